package shadowexp

import (
	"strconv"
	"strings"

	"dvmlab/experiments"
)

// The ShadowVM paper's own numbers (GPCE'13 §7, DaCapo 9.12 on OpenJDK 7,
// 24 cores), written beside ours as paper.csv in each table's results.
// They are the paper's data, as printed; luindex and lusearch are the
// paper's Lucene benchmarks.

const paper2 = `avrora 1/1 65906 740480 218/1 26675365 639456 1/1 66548 740480
batik 1/1 122865 740480 10/1 2230259 997792 1/1 127293 740480
fop 1/1 62600 740480 4/1 887367 856371 1/1 68568 740480
h2 3/1 956686 933632 92/1 49247450 1124621 5/1 1076014 740480
jython 1/1 172068 740480 73/1 12023437 1075930 1/1 177161 740480
luindex 1/1 32029 740480 2/1 450167 740480 1/1 39170 740480
lusearch 4/1 729793 933632 14/1 6835034 1168493 4/1 721823 740480
pmd 1/1 35912 740480 2/1 271791 740480 1/1 38070 740480
sunflow 2/1 306649 740480 22/1 11953069 1174035 2/1 218245 740480
xalan 1/1 190011 740480 11/1 5083672 1163386 1/1 192811 740480`

const paper3 = `avrora 830972 0.32 849675 0.42
batik 376728 0.29 383638 0.27
fop 352346 0.00 359032 0.00
h2 15999644 0.66 16028646 0.57
jython 2449022 0.00 2443509 0.00
luindex 38528 0.01 42317 0.01
lusearch 840635 0.00 843682 0.00
pmd 69697 0.01 75985 0.01
sunflow 2303802 0.00 2307116 0.00
xalan 694117 0.02 699041 0.03`

const paper4 = `avrora 506 0.06 19209 2.26
batik 676 0.18 7586 1.98
fop 872 0.25 7559 2.11
h2 163690 1.02 192692 1.20
jython 9483 0.39 3971 0.16
luindex 350 0.91 4139 9.78
lusearch 386 0.05 3434 0.41
pmd 603 0.86 6891 9.07
sunflow 376 0.02 3690 0.16
xalan 3616 0.52 8540 1.22`

const paper5 = `avrora 141307 851782 6.03 849792 6.01
batik 9563 19796 2.07 26734 2.80
fop 5072 6240 1.23 8619 1.70
h2 82831 157781 1.90 233792 2.82
jython 14473 27681 1.91 34989 2.42
luindex 1491 3922 2.63 5219 3.50
lusearch 23693 360220 15.20 250892 10.59
pmd 1430 1774 1.24 2359 1.65
sunflow 57466 133843 2.33 158307 2.75
xalan 18631 276160 14.82 232416 12.47`

func paperTable(header []string, data string) experiments.Table {
	t := experiments.Table{Name: "paper", Header: header}
	for _, line := range strings.Split(data, "\n") {
		var row []any
		for _, f := range strings.Fields(line) {
			if v, err := strconv.ParseFloat(f, 64); err == nil {
				row = append(row, v)
			} else {
				row = append(row, f)
			}
		}
		t.Add(row...)
	}
	return t
}

func paperTable2() experiments.Table {
	return paperTable([]string{"benchmark", "uninstrumented_gc_young_old", "uninstrumented_allocated_kb", "uninstrumented_final_heap_kb",
		"in_process_gc_young_old", "in_process_allocated_kb", "in_process_final_heap_kb",
		"shadowvm_gc_young_old", "shadowvm_allocated_kb", "shadowvm_final_heap_kb"}, paper2)
}

func paperTable3() experiments.Table {
	return paperTable([]string{"benchmark", "in_process_mean", "in_process_sd_pct", "shadowvm_mean", "shadowvm_sd_pct"}, paper3)
}

func paperTable4() experiments.Table {
	return paperTable([]string{"benchmark", "only_in_process", "only_in_process_pct", "only_shadowvm", "only_shadowvm_pct"}, paper4)
}

func paperTable5() experiments.Table {
	return paperTable([]string{"benchmark", "in_process_ms", "thread_ms", "thread_overhead", "global_ms", "global_overhead"}, paper5)
}
