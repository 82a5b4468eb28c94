package datasets

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.txt from its generator")

// TestCorpus keeps the Lucene workload's corpus equal to what genCorpus
// makes, so that it can be changed by changing the generator (go test
// ./datasets -run TestCorpus -update) and not by hand.
func TestCorpus(t *testing.T) {
	want := genCorpus()
	if *update {
		if err := os.WriteFile("testdata/corpus.txt", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("testdata/corpus.txt is not what genCorpus makes (rerun with -update): %s", diffText(string(got), string(want)))
	}
	if n := bytes.Count(got, []byte("\n==> ")) + 1; n != corpusDocs {
		t.Errorf("corpus has %d documents, want %d", n, corpusDocs)
	}
}

// corpusDocs is how many documents the corpus has; the Lucene driver
// prints the count it indexed.
const corpusDocs = 360

// splitmix64 is the generator's random source: written out here so that
// the corpus cannot change with the Go release.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (s *splitmix64) intn(n int) int { return int(s.next() % uint64(n)) }

func (s *splitmix64) pick(words []string) string { return words[s.intn(len(words))] }

// A kind of place in the imaginary gazetteer, with the words only its
// entries use, so that queries can tell kinds apart by their text.
type placeKind struct {
	name, keeper string
	parts, goods []string
	lines        []string
}

var (
	syllables = []string{"car", "row", "vel", "mont", "ash", "by", "dun", "mere", "tor", "wick", "hal", "sey",
		"bran", "dor", "pen", "lin", "ford", "kel", "ston", "mar", "ra", "wen", "tre", "gal", "os", "brig", "ham", "el"}
	regions = []string{"North Reach", "Saltmarsh", "the Isles", "Greywater", "High Fells", "Copper Coast", "Eastmoor", "Long Valley"}
	firsts  = []string{"Agnes", "Tobias", "Maren", "Edwin", "Hester", "Jonas", "Ysolde", "Caspar", "Wilhelmina", "Ambrose", "Liesel", "Owain"}
	lasts   = []string{"Thorne", "Pellow", "Garrick", "Vance", "Rooke", "Treharne", "Ashdown", "Quill", "Marlow", "Fenwick"}
	stuff   = []string{"granite", "oak", "iron", "brick", "slate", "limestone", "sandstone", "timber", "copper sheet", "lead"}
	events  = []string{"great fire", "spring flood", "winter storm", "long drought", "year of ice", "landslip", "copper strike", "harbour riot"}
	trades  = []string{"fishing", "weaving", "copper", "salt", "timber", "wool", "cider", "slate", "tin", "herring"}
	travel  = []string{"ferry", "cart", "packhorse", "coastal steamer", "railway", "canal barge"}
	seasons = []string{"spring", "summer", "autumn", "winter"}
	adjs    = []string{"old", "crooked", "drowned", "white", "singing", "broken", "lantern", "weeping", "black", "golden"}
	nouns   = []string{"tooth", "lady", "chair", "hound", "bell", "gate", "ladder", "crown", "shepherd", "kettle"}
	sides   = []string{"north", "south", "east", "west", "sea", "valley", "hills", "marsh"}
	records = []string{"parish register", "harbour book", "county archive", "abbey chronicle", "tithe map", "customs ledger"}

	kinds = []placeKind{
		{"Lighthouse", "keeper", []string{"lamp room", "lens", "gallery", "fog signal", "tower"}, []string{"whale oil", "paraffin", "lamp wicks"}, []string{
			"The light was first shown on a night of fog, and the keeper's log records {n} ships passing that winter.",
			"Its Fresnel lens was ground in {other} and turns once every {n} seconds.",
			"The beacon can be seen for {n} miles when the weather is clear.",
		}},
		{"Mill", "miller", []string{"water wheel", "millstone", "weir", "sluice", "grain loft"}, []string{"flour", "barley", "oats"}, []string{
			"The wheel turns two pairs of millstones and ground {n} sacks of grain a week.",
			"A weir above the mill holds back the river, and the miller opens the sluice at dawn.",
			"The millstones came from {other} by {travel}, a journey of {n} days.",
		}},
		{"Mine", "mine captain", []string{"engine house", "shaft", "adit", "spoil heap", "count house"}, []string{"copper ore", "tin", "arsenic"}, []string{
			"The main shaft goes down {n} fathoms, and the engine house pumps it dry day and night.",
			"Miners walked from {other} each morning and were paid at the count house on Saturdays.",
			"The copper lode was found by chance when a storm tore up the turf on the cliff.",
		}},
		{"Abbey", "abbot", []string{"cloister", "chapter house", "scriptorium", "bell tower", "refectory"}, []string{"manuscripts", "honey", "wax candles"}, []string{
			"The monks copied manuscripts in the scriptorium, and {n} of their books survive.",
			"The abbot kept bees, and the abbey sold honey and wax candles at the {other} fair.",
			"After the abbey was dissolved its stone was carried off to build houses in {other}.",
		}},
		{"Bridge", "toll keeper", []string{"arch", "span", "toll house", "parapet", "pier"}, []string{"tolls", "cattle", "carts"}, []string{
			"The bridge has {n} arches, and the widest span is said to be the longest in the county.",
			"An engineer from {other} designed it, and the toll paid for its upkeep for {n} years.",
			"Drovers brought cattle across the bridge on the way to the {other} market.",
		}},
		{"Observatory", "astronomer", []string{"dome", "telescope", "transit room", "library", "clock room"}, []string{"star charts", "almanacs", "lenses"}, []string{
			"The telescope has a lens of {n} inches, and the astronomer found a comet with it in {year}.",
			"Star charts drawn here were printed in {other} and sold to ships' captains.",
			"The dome turns on iron wheels and was rebuilt after the {event}.",
		}},
		{"Shipyard", "master shipwright", []string{"slipway", "sawpit", "rope walk", "dry dock", "mould loft"}, []string{"schooners", "fishing boats", "pilot cutters"}, []string{
			"The yard launched {n} schooners, the last of them in {year}.",
			"Oak for the keels came down from {other}, and the rope walk made the rigging on site.",
			"Every launch drew a crowd, and the shipwright's children broke a bottle of cider on the bow.",
		}},
		{"Harbour", "harbour master", []string{"quay", "breakwater", "pier", "fish cellar", "harbour light"}, []string{"herring", "pilchards", "coal"}, []string{
			"The fishing fleet of {n} boats sails from the quay before dawn.",
			"A breakwater of {material} shelters the harbour from the {side} gales.",
			"Coal came in from {other}, and herring went out salted in barrels.",
		}},
	}

	common = []string{
		"The {kind} at {place} was built of {material} in {year}, when the {trade} trade was at its height.",
		"A {keeper} named {person} kept it for {n} years and wrote a short account of the {event}.",
		"In {year2} the {event} damaged the {part}, and the {material} was replaced with {material2}.",
		"Travellers from {other} came by {travel} to buy {goods}.",
		"Its {part} faces the {side} and can be seen from {other} on a clear day.",
		"Records in the {record} mention {n} loads of {goods} sent away every {season}.",
		"Local people still call the {part} the {adj} {noun}.",
		"Visitors are shown the {part} in {season}, and a guide tells the story of the {event}.",
		"{person} left money in a will to repair the {part}, and the work was finished in {year2}.",
		"The {trade} trade declined after {year2}, but the {kind2} still stands.",
	}
)

func (r *splitmix64) name() string {
	n := r.pick(syllables) + r.pick(syllables)
	if r.intn(3) == 0 {
		n += r.pick(syllables)
	}
	return strings.ToUpper(n[:1]) + n[1:]
}

// genCorpus writes the gazetteer: corpusDocs entries, each headed by a
// "==> NAME <==" line as `head` prints several files, so that one embedded
// file stands for a directory of small text files.
func genCorpus() []byte {
	r := splitmix64(1874)
	var b bytes.Buffer
	for i := 1; i <= corpusDocs; i++ {
		k := kinds[r.intn(len(kinds))]
		place := r.name()
		year := 1600 + r.intn(320)
		fill := func(s string) string {
			repl := []string{
				"{kind}", strings.ToLower(k.name), "{kind2}", strings.ToLower(k.name), "{place}", place,
				"{keeper}", k.keeper, "{person}", r.pick(firsts) + " " + r.pick(lasts),
				"{material}", r.pick(stuff), "{material2}", r.pick(stuff),
				"{year}", fmt.Sprint(year), "{year2}", fmt.Sprint(year + 5 + r.intn(150)),
				"{trade}", r.pick(trades), "{event}", r.pick(events), "{part}", r.pick(k.parts),
				"{goods}", r.pick(k.goods), "{other}", r.name(), "{travel}", r.pick(travel),
				"{side}", r.pick(sides), "{record}", r.pick(records), "{season}", r.pick(seasons),
				"{adj}", r.pick(adjs), "{noun}", r.pick(nouns), "{n}", fmt.Sprint(2 + r.intn(60)),
			}
			return strings.NewReplacer(repl...).Replace(s)
		}
		fmt.Fprintf(&b, "==> %03d-%s-%s.txt <==\n", i, strings.ToLower(place), strings.ToLower(k.name))
		fmt.Fprintf(&b, "%s %s\n", place, k.name)
		fmt.Fprintf(&b, "Region: %s. Founded: %d.\n", regions[r.intn(len(regions))], year)
		// A shuffled deck, so that no sentence repeats within an entry.
		deck := append(slices.Clone(common), k.lines...)
		for j := len(deck) - 1; j > 0; j-- {
			m := r.intn(j + 1)
			deck[j], deck[m] = deck[m], deck[j]
		}
		for p, paras := 0, 2+r.intn(3); p < paras; p++ {
			b.WriteString("\n")
			var sents []string
			for s, n := 0, 2+r.intn(2); s < n; s++ {
				sents = append(sents, fill(deck[0]))
				deck = deck[1:]
			}
			b.WriteString(wrap(strings.Join(sents, " "), 76))
		}
		if i < corpusDocs {
			b.WriteString("\n")
		}
	}
	return b.Bytes()
}

// wrap breaks text into lines of at most width bytes, as a text file
// would have them.
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		if i > 0 {
			if line+1+len(w) > width {
				b.WriteString("\n")
				line = 0
			} else {
				b.WriteString(" ")
				line++
			}
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteString("\n")
	return b.String()
}
