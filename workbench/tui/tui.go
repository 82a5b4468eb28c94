// Package tui is dvmlab's terminal UI: a class list beside a javap-style
// listing, and the pipeline stepper with a diff of each step. It runs the
// same pipeline and printer as the command line and the REPL. The right
// pane is one of several views (views.go): besides the listing and diff,
// runs, plots, traces, native code, a policy's checks, a proxy's console,
// FIA verdicts and the output of any REPL command typed at the : prompt.
package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"dvmlab/core/classfile"
	"dvmlab/core/classpath"
	"dvmlab/core/service"
	"dvmlab/datasets"
	"dvmlab/experiments/compare"
	"dvmlab/workbench/listing"
	"dvmlab/workbench/repl"
)

// KeyMap lists the root model's bindings: the class tree's, the stepper's,
// the prompts' and those that open the other views. With the keys of the
// view on screen (ListingKeys, DiffKeys, PagerKeys) it makes the footer.
type KeyMap struct {
	Up, Down, Filter, Step, Reset, Diff, Compare, Help, Quit key.Binding
	Find, NextMatch, PrevMatch, Goto, Simulate, Plots        key.Binding
	LoadTrace, Native, Passes, Guards, Console, FIA, Command key.Binding
}

// Keys are the default bindings.
var Keys = KeyMap{
	Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous class")),
	Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next class")),
	Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter classes")),
	Step:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "step pipeline")),
	Reset:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart steps")),
	Diff:      key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "diff last step")),
	Compare:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare monolithic and DVM runs")),
	Find:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "find in the listing")),
	NextMatch: key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next match")),
	PrevMatch: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous match")),
	Goto:      key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "go to a method, or an offset in this one")),
	Simulate:  key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "simulate start-up and proxy scaling")),
	Plots:     key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "next experiment's figure")),
	LoadTrace: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "load trace (.txt .db .shlog)")),
	Native:    key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "native code (again: alpha)")),
	Passes:    key.NewBinding(key.WithKeys("I"), key.WithHelp("I", "IR after the next compiler pass, then amd64 and alpha")),
	Guards:    key.NewBinding(key.WithKeys("G"), key.WithHelp("G", "policy checks")),
	Console:   key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "proxy console")),
	FIA:       key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "FIA verdicts")),
	Command:   key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "run a REPL command (empty: list them)")),
	Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
	Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
}

// helpKeys is a child model's key map, as it feeds the help.
type helpKeys interface {
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// ShortHelp is the footer's list around the view's own keys (child): the
// class tree's, the stepper's, and quitting.
func (k KeyMap) ShortHelp(child helpKeys) []key.Binding {
	b := append([]key.Binding{k.Up, k.Down}, PagerKeys.ShortHelp()...)
	b = append(append(b, k.Step, k.Diff), child.ShortHelp()...)
	return append(b, k.Filter, k.Help, k.Quit)
}

// FullHelp is shown with ?: the class tree's keys, the view's own (child),
// then the root's.
func (k KeyMap) FullHelp(child helpKeys) [][]key.Binding {
	return append([][]key.Binding{{k.Up, k.Down, k.Filter}}, append(child.FullHelp(), []key.Binding{k.Step, k.Reset, k.Diff},
		[]key.Binding{k.Find, k.NextMatch, k.PrevMatch, k.Goto}, []key.Binding{k.Compare, k.Simulate, k.Plots},
		[]key.Binding{k.Native, k.Passes},
		[]key.Binding{k.LoadTrace, k.Guards, k.Console, k.FIA}, []key.Binding{k.Command, k.Help, k.Quit})...)
}

// AllKeys is every binding of the TUI, the root's and each view's, once.
func AllKeys() []key.Binding {
	var all []key.Binding
	seen := map[string]bool{}
	for _, c := range []helpKeys{ListingKeys, DiffKeys, PagerKeys} {
		for _, g := range Keys.FullHelp(c) {
			for _, b := range g {
				if !seen[b.Help().Key] {
					seen[b.Help().Key] = true
					all = append(all, b)
				}
			}
		}
	}
	return all
}

var (
	titleStyle    = lipgloss.NewStyle().Bold(true)
	selectedStyle = lipgloss.NewStyle().Reverse(true)
	paneStyle     = lipgloss.NewStyle().Border(lipgloss.NormalBorder())
	footerStyle   = lipgloss.NewStyle().Faint(true)
	addStyle      = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	delStyle      = lipgloss.NewStyle().Foreground(lipgloss.Color("1"))
	movedStyle    = lipgloss.NewStyle().Faint(true)
)

// Model is the root model.
type Model struct {
	src classpath.Source
	// The class tree on the left is a child model of its own.
	classTree
	pipeline *service.Pipeline

	// The right pane is one child model at a time: the listing, the diff
	// of the last step, or one of the other views (views.go), which are a
	// pager of lines alone. The root routes keys to the one on screen and
	// lays the panes out.
	listing listingModel
	diff    diffModel
	panel   pager
	status  string

	// stepper state for the selected class
	original []byte
	stage    int
	prev     []byte
	cur      []byte
	showDiff bool
	totals   service.Report

	width, height int
	fullHelp      bool
	// hideTimes leaves durations out of the status line, so that screens
	// can be compared with golden files.
	hideTimes bool

	// program is the dataset whose jar is open, if any: what compare runs.
	program   *datasets.Program
	comparing bool

	// A prompt under way (find or goto) and what is typed into it; the
	// last search, for the next and previous match.
	prompt, input, search string

	simulating bool
	plot       int             // the next figure P shows
	results    string          // where experiments' results are
	profile    listing.Profile // coverage counts shown beside the code

	// pane is the child view replacing the listing or diff, "" for none;
	// busy names the pane whose work is under way.
	pane view
	busy string
	// spin turns on the status line while work is under way, since
	// started.
	spin  spinner.Model
	since time.Time

	// The REPL session the : prompt and trace loading run in, and what
	// the panes were last given, offered again at their prompts.
	walk                                      *passWalk // the method I walks through the compiler
	repl                                      *repl.Session
	replClass, fiaLoaded                      string // the session's current class and loaded FIA table
	replOut                                   *bytes.Buffer
	nativeArch, nativeMethod, nativeClass     string
	policyFile, proxyAddr, fiaTable, lastPath string
}

// compareDone carries a finished comparison back to Update.
type compareDone struct {
	table string
	err   error
}

// startCompare runs the open program monolithic and through the proxy with
// the stepper's pipeline, off the UI's goroutine.
func (m *Model) startCompare() tea.Cmd {
	if m.program == nil {
		m.status = "compare runs one of the datasets' programs: open its jar (e.g. /usr/share/java/JLex.jar)"
		return nil
	}
	if m.comparing {
		return nil
	}
	m.comparing = true
	p := *m.program
	cfg := compare.Config{Services: m.pipeline.String(), Frames: m.pipeline.RecomputeFrames, Runs: 1}
	m.status = fmt.Sprintf("running %s monolithic, through the proxy uncached and cached (services %s)…", p.Name, cfg.Services)
	return func() tea.Msg {
		modes, err := compare.Run(context.Background(), p, cfg)
		if err != nil {
			return compareDone{err: err}
		}
		var b strings.Builder
		compare.Print(&b, p, cfg, modes)
		return compareDone{table: b.String()}
	}
}

// New makes a model over src with the given pipeline.
func New(src classpath.Source, p *service.Pipeline) (*Model, error) {
	names, err := src.Names()
	if err != nil {
		return nil, err
	}
	m := &Model{src: src, classTree: classTree{names: names}, pipeline: p, spin: spinner.New(spinner.WithSpinner(spinner.Line)), width: 100, height: 30, results: defaultResults}
	for _, prog := range datasets.All() {
		if len(prog.Jars) > 0 && src.String() == "jar "+prog.Jars[0] {
			m.program = &prog
		}
	}
	m.listing.counts = m.withCoverage
	m.applyFilter()
	m.load()
	return m, nil
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd { return nil }

// load shows the selected class and resets the stepper.
func (m *Model) load() {
	m.stage, m.showDiff, m.pane = 0, false, ""
	name := m.selected()
	if name == "" {
		m.listing.message("(no classes match)")
		m.original, m.prev, m.cur, m.status = nil, nil, nil, ""
		return
	}
	data, err := m.src.Find(name)
	if err != nil {
		m.listing.message("error: " + err.Error())
		m.original, m.prev, m.cur, m.status = nil, nil, nil, ""
		return
	}
	m.original, m.prev, m.cur = data, data, data
	m.totals = service.Report{}
	m.listing.show(data, true)
	m.status = fmt.Sprintf("%s: parsed, %d bytes; pipeline %s", classfile.BinaryName(name), len(data), m.pipeline)
}

// isMethodHeader recognises javap's member declarations with a parameter
// list (and perhaps a throws clause), as they appear in listings, annotated
// listings and diffs.
func isMethodHeader(l string) bool {
	t := strings.TrimSpace(strings.TrimLeft(l, "+-~ "))
	return strings.HasSuffix(t, ";") && strings.Contains(t, "(") && strings.Contains(t, ")") && !strings.Contains(t, ": ") && !strings.Contains(t, "//")
}

// step advances the selected class one stage through the pipeline.
func (m *Model) step() {
	if m.original == nil {
		m.status = "no class to step"
		return
	}
	last := len(m.pipeline.Services) + 1
	if m.stage >= last {
		m.status = "already emitted; r restarts"
		return
	}
	m.stage++
	stages := m.stage
	if m.stage == last {
		stages = -1
	}
	t0 := time.Now()
	res, err := m.pipeline.ProcessStages(m.original, stages)
	if err != nil {
		m.status = "error: " + err.Error()
		return
	}
	took := time.Since(t0)
	dur := func(d time.Duration) string {
		if m.hideTimes {
			return "—"
		}
		return d.Round(time.Microsecond).String()
	}
	m.prev, m.cur = m.cur, res.Out
	name, report := "emitted", ""
	if m.stage < last {
		name = m.pipeline.Services[m.stage-1].Name()
		if m.stage <= len(res.Reports) {
			r := res.Reports[m.stage-1]
			report = fmt.Sprintf("; %d inserted, %d static, %d deferred in %s", r.Inserted, r.Static, r.Deferred, dur(r.Elapsed))
		}
	}
	var tot service.Report
	for _, r := range res.Reports {
		tot.Inserted += r.Inserted
		tot.Static += r.Static
		tot.Deferred += r.Deferred
		tot.Elapsed += r.Elapsed
	}
	m.totals = tot
	m.status = fmt.Sprintf("stage %d/%d %s: %d -> %d bytes, %s%s | so far %d inserted, %d static, %d deferred",
		m.stage, last, name, len(m.prev), len(m.cur), dur(took), report, tot.Inserted, tot.Static, tot.Deferred)
	m.showDiff = true
	m.refresh()
}

// refresh puts the listing of the class as far as it has been stepped on
// screen, or the diff of the last step.
func (m *Model) refresh() {
	m.pane = ""
	switch {
	case m.cur == nil:
		m.showDiff = false
	case m.showDiff:
		m.diff.show(m.prev, m.cur)
	default:
		m.listing.show(m.cur, m.stage == 0)
	}
}

// rightPane is a child model of the right pane.
type rightPane interface {
	Update(tea.Msg) bool
	View(h, w int) string
	pg() *pager
}

func (p *pager) pg() *pager { return p }

// child is the right pane's child model on screen.
func (m *Model) child() rightPane {
	switch m.current() {
	case viewListing:
		return &m.listing
	case viewDiff:
		return &m.diff
	}
	return &m.panel
}

// right is the lines of the view on screen.
func (m *Model) right() *pager { return m.child().pg() }

// childKeys is the key map of the view on screen, for the help: the
// listing's for the other views too, since v brings the listing back.
func (m *Model) childKeys() helpKeys {
	if m.current() == viewDiff {
		return DiffKeys
	}
	return ListingKeys
}

// toChild gives a key the root does not take to the view on screen; one it
// does not take either but the listing does (v) brings the listing back.
func (m *Model) toChild(msg tea.KeyMsg) {
	c := m.child()
	c.pg().height = m.bodyHeight()
	if !c.Update(msg) && m.current() != viewListing && key.Matches(msg, ListingKeys.View) && m.cur != nil {
		m.pane, m.showDiff = "", false
		m.listing.show(m.cur, m.stage == 0)
		c = &m.listing
		c.Update(msg)
	}
	if p := c.pg(); p.note != "" {
		m.status, p.note = p.note, ""
	}
}

// Update implements tea.Model; keys first, then window size.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case spinner.TickMsg:
		if !m.working() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case paneDone:
		m.showPane(msg)
		if msg.view == viewConsole && msg.err == nil {
			return m, liveConsole(m.proxyAddr)
		}
	case walkDone:
		m.walked(msg)
	case consoleTick:
		return m, m.refreshConsole(msg)
	case consoleFresh:
		return m, m.freshConsole(msg)
	case simulateDone:
		m.simulating = false
		if msg.err != nil {
			m.status = "simulate: " + msg.err.Error()
			break
		}
		m.panel.set(strings.Split(strings.TrimRight(msg.text, "\n"), "\n"))
		m.showDiff, m.pane = false, viewRuns
		m.status = "simulate done: dvmlab simulate startup|scaling --plot FILE draws these"
	case compareDone:
		m.comparing = false
		if msg.err != nil {
			m.status = "compare: " + msg.err.Error()
			break
		}
		m.panel.set(strings.Split(strings.TrimRight(msg.table, "\n"), "\n"))
		m.showDiff, m.pane = false, viewRuns
		m.status = "compare done: each mode once; dvmlab compare --runs N repeats them"
	case tea.KeyMsg:
		// Typed-ahead or pasted keys arrive as one message; take them one
		// at a time so "/CSpec" filters as if typed slowly.
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			var cmd tea.Cmd
			for _, r := range msg.Runes {
				_, c := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				if c != nil {
					cmd = c
				}
			}
			return m, cmd
		}
		if m.prompt != "" {
			switch msg.Type {
			case tea.KeyEsc:
				m.prompt, m.input = "", ""
			case tea.KeyEnter:
				return m, m.answer()
			case tea.KeyBackspace:
				if m.input != "" {
					_, n := utf8.DecodeLastRuneInString(m.input)
					m.input = m.input[:len(m.input)-n]
				}
			case tea.KeyCtrlU:
				m.input = "" // what the panes' prompts offer, cleared
			case tea.KeyRunes, tea.KeySpace:
				m.input += string(msg.Runes)
			}
			return m, nil
		}
		if m.editing {
			m.classTree.editFilter(msg)
			m.load()
			return m, nil
		}
		switch {
		case key.Matches(msg, Keys.Quit):
			return m, tea.Quit
		case key.Matches(msg, Keys.Up):
			if m.classTree.move(-1) {
				m.load()
			}
		case key.Matches(msg, Keys.Down):
			if m.classTree.move(1) {
				m.load()
			}
		case key.Matches(msg, Keys.Filter):
			m.editing = true
		case key.Matches(msg, Keys.Step):
			m.step()
		case key.Matches(msg, Keys.Reset):
			m.load()
		case key.Matches(msg, Keys.Compare):
			return m, m.spinning(m.startCompare())
		case key.Matches(msg, Keys.Diff):
			m.showDiff = !m.showDiff
			m.refresh()
		case key.Matches(msg, Keys.Help):
			m.fullHelp = !m.fullHelp
		case key.Matches(msg, Keys.Simulate):
			return m, m.spinning(m.startSimulate())
		case key.Matches(msg, Keys.Plots):
			m.showPlot()
		case key.Matches(msg, Keys.Find):
			m.prompt, m.input = "find", ""
		case key.Matches(msg, Keys.Goto):
			m.prompt, m.input = "go to", ""
		case key.Matches(msg, Keys.NextMatch):
			m.findNext(1)
		case key.Matches(msg, Keys.PrevMatch):
			m.findNext(-1)
		case key.Matches(msg, Keys.LoadTrace):
			m.prompt, m.input = "load trace", m.lastPath
		case key.Matches(msg, Keys.Native):
			arch := "amd64"
			if m.pane == viewNative && m.nativeArch == "amd64" && m.nativeClass == m.selected() {
				arch = "alpha"
			}
			m.nativeArch, m.nativeClass = arch, m.selected()
			return m, m.nativePane(arch)
		case key.Matches(msg, Keys.Passes):
			return m, m.nextPass()
		case key.Matches(msg, Keys.Guards):
			m.prompt, m.input = "policy file", m.policyFile
		case key.Matches(msg, Keys.Console):
			m.prompt, m.input = "proxy", m.proxyAddr
			if m.input == "" {
				m.input = "127.0.0.1:8080"
			}
		case key.Matches(msg, Keys.FIA):
			m.prompt, m.input = "fia table", m.fiaTable
		case key.Matches(msg, Keys.Command):
			m.prompt, m.input = ":", ""
		default:
			m.toChild(msg)
		}
	}
	return m, nil
}

// bodyHeight is what the panes get: the screen less the title, the panes'
// borders, the status line and the footer (one line, or a line per group of
// keys with the full help).
func (m *Model) bodyHeight() int {
	footer := 1
	if m.fullHelp {
		footer = len(Keys.FullHelp(m.childKeys()))
	}
	return max(3, m.height-4-footer)
}

func (m *Model) listWidth() int { return min(40, m.width/3) }

// View implements tea.Model.
func (m *Model) View() string {
	h := m.bodyHeight()
	listW := m.listWidth()
	codeW := max(20, m.width-listW-4)

	left := m.classTree.view(h, listW)
	lp := paneStyle.Width(listW).Height(h).Render(strings.Join(left, "\n"))
	rp := paneStyle.Width(codeW).Height(h).Render(m.child().View(h, codeW))
	head := titleStyle.Render(fmt.Sprintf("dvmlab — %s — %d of %d classes — %s", m.src, len(m.shown), len(m.names), m.current()))
	if m.editing || m.filter != "" {
		head += "  filter: " + m.filter
		if m.editing {
			head += "▏"
		}
	}
	status := m.status
	if m.working() {
		status = m.spin.View() + " " + status
		if !m.hideTimes {
			status += fmt.Sprintf(" (%ds)", int(time.Since(m.since).Seconds()))
		}
	}
	if m.prompt != "" {
		status = m.prompt + ": " + m.input + "▏"
		if m.prompt == ":" {
			status = ":" + m.input + "▏"
		}
	}
	return lipgloss.JoinVertical(lipgloss.Left, head, lipgloss.JoinHorizontal(lipgloss.Top, lp, rp), truncate(status, m.width), m.footer())
}

func (m *Model) footer() string {
	groups := [][]key.Binding{Keys.ShortHelp(m.childKeys())}
	if m.fullHelp {
		groups = Keys.FullHelp(m.childKeys())
	}
	var lines []string
	for _, g := range groups {
		var parts []string
		for _, b := range g {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
		lines = append(lines, truncate(strings.Join(parts, " · "), m.width))
	}
	return footerStyle.Render(strings.Join(lines, "\n"))
}

func truncate(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	r := []rune(s)
	if w <= 1 || len(r) <= w {
		return s
	}
	return string(r[:w-1]) + "…"
}

// Run opens the TUI on a terminal; profile, if not nil, is a coverage
// profile whose counts are shown beside the code.
func Run(src classpath.Source, p *service.Pipeline, profile listing.Profile) error {
	m, err := New(src, p)
	if err != nil {
		return err
	}
	m.profile = profile
	m.load()
	_, err = tea.NewProgram(m, tea.WithAltScreen()).Run()
	return err
}
