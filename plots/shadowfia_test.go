package plots

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFIATables draws the FIA tables from CSVs of the shape the
// experiments write (results/table2 … table6 hold real ones).
func TestFIATables(t *testing.T) {
	res, out := t.TempDir(), t.TempDir()
	csvs := map[string]string{
		"table2/gc.csv": "program,mode,runs,gc_young,gc_old,allocated_kb,final_heap_kb\n" +
			"jlex,uninstrumented,3,0,0,3072,387072\njlex,in-process,3,0,0,7905,387072\njlex,shadowvm-thread,3,0,0,3072,387072\n",
		"table3/allocations.csv": "program,runs,in_process_mean,in_process_sd_pct,shadowvm_mean,shadowvm_sd_pct,shadowvm_before_vm_init,shadowvm_unseen_threads,shadowvm_jdk_sites_unmatched\n" +
			"jlex,3,23326,0,31025,0,7699,0,1\n",
		"table4/unmatched.csv": "program,runs,only_in_process,only_in_process_pct,only_shadowvm,only_shadowvm_pct,noise_in_process,noise_in_process_pct,noise_shadowvm,noise_shadowvm_pct\n" +
			"jlex,3,1,0.004,7700,24.8,0,0,8,0.03\n",
		"table5s/steady.csv": "program,runs,iterations,uninstrumented_ms,in_process_ms,thread_ms,thread_overhead,global_ms,global_overhead\n" +
			"jlex,1,5,32.9,2012.8,7209.3,3.58,4789.5,2.38\n",
		"table6/tagging.csv": "workload,threads,cores,mode,runs,jvm_ms,vs_in_process,events,tagged,tag_ns_per_object,by_id,id_ns_per_object\n" +
			"parallel,1,2,tag-map,1,100,0,10,10,900,0,0\nparallel,1,2,id-field,1,90,0,10,2,900,8,60\n" +
			"parallel,2,2,tag-map,1,100,0,10,10,1900,0,0\nparallel,2,2,id-field,1,90,0,10,2,900,8,70\n",
	}
	for name, data := range csvs {
		p := filepath.Join(res, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	for _, name := range []string{"table2", "table3", "table4", "table5s", "table6"} {
		files, err := Render(name, res, out)
		if err != nil {
			t.Fatal(err)
		}
		png, _ := os.ReadFile(files[0])
		if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 5000 {
			t.Errorf("%s: %d-byte PNG", name, len(png))
		}
	}
}
