package dvmlab.datasets;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LogDocMergePolicy;
import org.apache.lucene.index.MultiFields;
import org.apache.lucene.index.SerialMergeScheduler;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.NumericRangeQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Version;

/**
 * Indexes a gazetteer of small text files (one file, each entry headed by
 * "==> NAME <==") into an index on disk, runs a fixed set of queries, then
 * deletes, updates and merges and queries again. It prints only what the
 * index and the queries determine (counts, names, scores to four places),
 * never a time: Lucene's own demo prints elapsed milliseconds.
 *
 * Usage: LuceneWorkload CORPUS INDEXDIR
 */
public final class LuceneWorkload {
    private static final Version VERSION = Version.LUCENE_4_10_4;
    private static final PrintStream out = System.out;

    /**
     * Runs the workload -Ddvmlab.iterations times (default once), each
     * iteration's time on standard error as "dvmlab iteration K: MS ms"
     * when there is more than one (steady-state measurements).
     */
    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("dvmlab.iterations", 1);
        for (int k = 1; k <= n; k++) {
            long t0 = System.nanoTime();
            runOnce(args);
            long t1 = System.nanoTime();
            if (n > 1) {
                System.out.flush();
                System.err.printf(Locale.ROOT, "dvmlab iteration %d: %.3f ms%n", k, (t1 - t0) / 1e6);
            }
        }
    }

    private static void runOnce(String[] args) throws Exception {
        List<String[]> docs = parse(new File(args[0]));
        Directory dir = FSDirectory.open(new File(args[1]));

        // Flushes by document count, merges in the indexing thread and only
        // of adjacent segments: the segments, and so the document numbers
        // that break ties between equal scores, are the same on every run.
        IndexWriterConfig cfg = new IndexWriterConfig(VERSION, analyzer());
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        cfg.setMaxBufferedDocs(25);
        cfg.setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH);
        cfg.setMergeScheduler(new SerialMergeScheduler());
        LogDocMergePolicy mp = new LogDocMergePolicy();
        mp.setMergeFactor(4);
        cfg.setMergePolicy(mp);
        IndexWriter w = new IndexWriter(dir, cfg);
        for (String[] d : docs) {
            w.addDocument(document(d));
        }
        w.commit();
        out.printf("indexed %d documents%n", docs.size());

        DirectoryReader r = DirectoryReader.open(dir);
        out.printf("index: %d documents in %d segments%n", r.numDocs(), r.leaves().size());
        IndexSearcher s = new IndexSearcher(r);
        termStats(r);
        QueryParser qp = new QueryParser("body", analyzer());
        String[] queries = {
            "lighthouse",
            "keeper AND fog",
            "+granite +breakwater",
            "\"great fire\"",
            "\"copper lode\"~2",
            "salt OR timber -flood",
            "title:mill*",
            "c?pper",
            "miler~1",
            "telescope^3 comet",
            "(abbey OR abbot) AND (manuscripts OR candles) NOT storm",
            "\"was built of iron\"",
            "region:\"Copper Coast\" AND mine",
        };
        for (String q : queries) {
            show(s, qp.parse(q), null);
        }
        BooleanQuery old = new BooleanQuery();
        old.add(NumericRangeQuery.newIntRange("year", 1600, 1700, true, false), Occur.MUST);
        old.add(new TermQuery(new Term("kind", "bridge")), Occur.MUST);
        show(s, old, new Sort(new SortField("year", SortField.Type.INT), new SortField("name", SortField.Type.STRING)));
        show(s, qp.parse("storm OR flood"), new Sort(new SortField("year", SortField.Type.INT, true), SortField.FIELD_SCORE));
        r.close();

        // Ships are not places: every shipyard goes, one mill is rewritten,
        // and the index is merged into a single segment.
        w.deleteDocuments(new Term("kind", "shipyard"));
        String[] first = docs.get(1);
        w.updateDocument(new Term("name", first[0]), document(new String[] {
            first[0], first[1] + " (rebuilt)", first[2], first[3] + "\n\nThe mill was rebuilt as a lighthouse after the great fire.",
        }));
        w.forceMerge(1);
        w.close();
        r = DirectoryReader.open(dir);
        out.printf("%nafter deletes and merge: %d documents in %d segments%n", r.numDocs(), r.leaves().size());
        s = new IndexSearcher(r);
        show(s, qp.parse("lighthouse"), null);
        show(s, qp.parse("schooners OR shipwright"), null);
        show(s, qp.parse("\"rebuilt as a lighthouse\""), null);
        termStats(r);
        r.close();
        dir.close();
    }

    // Entries become {name, title, header, body}.
    static List<String[]> parse(File f) throws IOException {
        List<String[]> docs = new ArrayList<>();
        String name = null;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(f.toPath(), StandardCharsets.UTF_8)) {
            if (line.startsWith("==> ") && line.endsWith(" <==")) {
                if (name != null) {
                    docs.add(entry(name, text.toString()));
                }
                name = line.substring(4, line.length() - 4);
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        if (name != null) {
            docs.add(entry(name, text.toString()));
        }
        return docs;
    }

    static String[] entry(String name, String text) {
        String[] lines = text.split("\n", 3);
        return new String[] {name, lines[0], lines[1], lines[2].trim()};
    }

    static Analyzer analyzer() {
        Map<String, Analyzer> exact = new HashMap<>();
        exact.put("name", new KeywordAnalyzer());
        exact.put("kind", new KeywordAnalyzer());
        return new PerFieldAnalyzerWrapper(new EnglishAnalyzer(VERSION), exact);
    }

    static Document document(String[] d) {
        Document doc = new Document();
        doc.add(new StringField("name", d[0], Field.Store.YES));
        doc.add(new SortedDocValuesField("name", new BytesRef(d[0])));
        String title = d[1];
        doc.add(new TextField("title", title, Field.Store.YES));
        doc.add(new StringField("kind", title.substring(title.lastIndexOf(' ') + 1).toLowerCase(Locale.ROOT), Field.Store.NO));
        // "Region: North Reach. Founded: 1874."
        String header = d[2];
        int founded = header.indexOf(". Founded: ");
        doc.add(new TextField("region", header.substring("Region: ".length(), founded), Field.Store.YES));
        int year = Integer.parseInt(header.substring(founded + ". Founded: ".length(), header.length() - 1));
        doc.add(new IntField("year", year, Field.Store.YES));
        doc.add(new NumericDocValuesField("year", year));
        doc.add(new TextField("body", d[3], Field.Store.NO));
        return doc;
    }

    static void show(IndexSearcher s, Query q, Sort sort) throws IOException {
        TopDocs top = sort == null ? s.search(q, 5) : s.search(q, null, 5, sort, true, false);
        out.printf("%nquery %s%n  %d hits%n", q, top.totalHits);
        for (ScoreDoc sd : top.scoreDocs) {
            Document d = s.doc(sd.doc);
            out.printf(Locale.ROOT, "  %-36s %-28s %s %.4f%n", d.get("name"), d.get("region"), d.get("year"), sd.score);
        }
    }

    // The most common words of the bodies, and how the regions divide the
    // entries, straight from the terms dictionary.
    static void termStats(DirectoryReader r) throws IOException {
        TreeMap<Integer, List<String>> byFreq = new TreeMap<>();
        Terms terms = MultiFields.getTerms(r, "body");
        TermsEnum te = terms.iterator(null);
        long unique = 0;
        for (BytesRef t = te.next(); t != null; t = te.next()) {
            unique++;
            byFreq.computeIfAbsent(-te.docFreq(), k -> new ArrayList<>()).add(t.utf8ToString() + "/" + te.totalTermFreq());
        }
        out.printf("%nbody: %d terms, %d tokens; most frequent (documents/occurrences):%n", unique, terms.getSumTotalTermFreq());
        int shown = 0;
        for (Map.Entry<Integer, List<String>> e : byFreq.entrySet()) {
            for (String t : e.getValue()) {
                if (shown++ < 12) {
                    out.printf("  %-12s %d/%s%n", t.substring(0, t.indexOf('/')), -e.getKey(), t.substring(t.indexOf('/') + 1));
                }
            }
        }
        te = MultiFields.getTerms(r, "region").iterator(null);
        out.print("region terms:");
        for (BytesRef t = te.next(); t != null; t = te.next()) {
            out.printf(" %s=%d", t.utf8ToString(), te.docFreq());
        }
        out.println();
    }
}
