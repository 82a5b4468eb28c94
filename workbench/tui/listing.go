package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dvmlab/workbench/listing"
)

// listingModel is the right pane's child model for a class's listing:
// javap's code with the control flow drawn (JVMS §4.7.3, §4.10.1) and the
// coverage counts beside it, or javap -v's constant pool and attributes
// (JVMS §4.4, §4.7).
type listingModel struct {
	pager
	data    []byte // the class shown
	verbose bool   // javap -v instead of annotated code
	// counts puts a coverage profile's counts on the code, nil for none;
	// only the class as it came has them.
	counts func(lines []string, data []byte) []string
}

// ListingKeyMap is the listing's keys: the pager's, and the switch between
// code and constant pool.
type ListingKeyMap struct {
	PagerKeyMap
	View key.Binding
}

// ListingKeys are the listing's default bindings.
var ListingKeys = ListingKeyMap{
	PagerKeyMap: PagerKeys,
	View:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "code / constant pool and attributes")),
}

// ShortHelp is the listing's keys in the footer.
func (k ListingKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.View} }

// FullHelp is the listing's keys under ?.
func (k ListingKeyMap) FullHelp() [][]key.Binding {
	return append(k.PagerKeyMap.FullHelp(), []key.Binding{k.View})
}

// show lists data, a class file; withCounts puts the coverage counts on it.
func (l *listingModel) show(data []byte, withCounts bool) {
	l.data = data
	var lines []string
	var err error
	if l.verbose {
		lines, err = listing.Verbose(data)
	} else {
		lines, err = listing.Annotated(data, "")
	}
	if err != nil {
		lines = []string{"error: " + err.Error()}
	} else if !l.verbose && withCounts && l.counts != nil {
		lines = l.counts(lines, data)
	}
	l.set(lines)
}

// message puts a line in the listing's place (no class, or an error).
func (l *listingModel) message(s string) {
	l.data = nil
	l.set([]string{s})
}

// Update takes the listing's keys, saying whether the key was one of them.
func (l *listingModel) Update(msg tea.Msg) bool {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, ListingKeys.View) {
		l.verbose = !l.verbose
		if l.data != nil {
			l.show(l.data, true)
		}
		return true
	}
	return l.pager.Update(msg)
}

// View is the listing's lines on screen, h of them cut to w columns.
func (l *listingModel) View(h, w int) string {
	return strings.Join(l.view(h, w), "\n")
}
