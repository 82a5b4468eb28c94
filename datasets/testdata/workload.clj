;; A Clojure workload: the compiler evaluates each form, emitting a class
;; per function; the rest runs clojure.core, clojure.string, clojure.set,
;; clojure.walk and clojure.pprint, all compiled ahead of time in the jar.
(ns workload
  (:require [clojure.string :as str]
            [clojure.set :as set]
            [clojure.walk :as walk]
            [clojure.pprint :as pp]))

(defprotocol Shape
  (area [s])
  (perimeter [s]))

(defrecord Rect [w h]
  Shape
  (area [_] (* w h))
  (perimeter [_] (* 2 (+ w h))))

(defrecord Circle [r]
  Shape
  (area [_] (* Math/PI r r))
  (perimeter [_] (* 2 Math/PI r)))

(defmulti describe (fn [x] (cond (number? x) :number (string? x) :string (map? x) :map :else :other)))
(defmethod describe :number [x] (str "number " x))
(defmethod describe :string [x] (str "string of " (count x)))
(defmethod describe :map [x] (str "map with keys " (str/join "," (sort (map name (keys x))))))
(defmethod describe :default [x] (str "something: " (pr-str x)))

(defmacro unless [c & body] `(if ~c nil (do ~@body)))

(defn primes []
  (letfn [(sieve [s] (lazy-seq (cons (first s) (sieve (remove #(zero? (mod % (first s))) (rest s))))))]
    (sieve (iterate inc 2))))

(defn queens [n]
  (letfn [(ok? [qs q] (every? true? (map-indexed (fn [i c] (and (not= c q) (not= (Math/abs (- c q)) (- (count qs) i)))) qs)))
          (place [qs] (if (= (count qs) n) [qs] (mapcat #(place (conj qs %)) (filter #(ok? qs %) (range n)))))]
    (place [])))

(defn fact [n] (reduce *' (range 1 (inc n))))

(defn word-freq [text]
  (->> (str/split (str/lower-case text) #"[^a-z]+")
       (remove str/blank?)
       frequencies
       (sort-by (juxt (comp - val) key))
       (take 5)))

(println "== shapes ==")
(doseq [s [(->Rect 3 4) (->Circle 1.5) (map->Rect {:w 10 :h 0.5})]]
  (printf "%s area %.3f perimeter %.3f%n" (.getSimpleName (class s)) (double (area s)) (double (perimeter s))))

(println "== multimethods ==")
(doseq [x [42 "hello" {:b 1 :a 2} [1 2] nil]] (println (describe x)))

(println "== lazy sequences ==")
(println (take 15 (primes)))
(println (reduce + (take-while #(< % 1000) (filter odd? (map #(* % %) (range))))))

(println "== queens ==")
(let [sols (queens 8)] (println (count sols) (first sols) (last sols)))

(println "== numbers ==")
(println (fact 25) (/ 22 7) (double (/ 22 7)) (bigint 12345678901234567890) (rationalize 0.125))

(println "== strings ==")
(println (word-freq "The DVM parses once, rewrites once; the proxy caches what the DVM rewrites and the clients run it."))
(println (str/upper-case "dvm") (str/reverse "shadow") (str/replace "a-b-c" "-" "+") (format "%08.3f|%-6s|%x" 3.14159 "ok" 255))

(println "== sets and maps ==")
(let [a #{1 2 3 4 5} b #{4 5 6 7}]
  (println (sort (set/union a b)) (sort (set/intersection a b)) (sort (set/difference a b))))
(println (into (sorted-map) (group-by count ["a" "bb" "cc" "ddd" "e"])))
(println (walk/postwalk #(if (number? %) (* 10 %) %) {:a [1 2 {:b 3}] :c 4}))

(println "== state ==")
(let [counter (atom 0) log (ref [])]
  (dotimes [i 100] (swap! counter + i))
  (dosync (alter log conj :x) (alter log conj :y))
  (println @counter @log))
(let [futs (doall (map #(future (reduce + (range (* % 1000)))) (range 1 6)))]
  (println (map deref futs)))

(println "== macros and exceptions ==")
(println (unless false :ran) (unless true :not-ran))
(println (macroexpand-1 '(unless c a b)))
(println (try (/ 1 0) (catch ArithmeticException e (str "caught " (.getMessage e)))))
(println (try (throw (ex-info "bad input" {:at 7})) (catch clojure.lang.ExceptionInfo e [(ex-message e) (ex-data e)])))

(println "== pprint ==")
(pp/pprint {:name "dvmlab" :systems [{:paper "DVM" :year 1999 :venue "SOSP"} {:paper "ShadowVM" :year 2013 :venue "GPCE"}] :services (range 6)})
(pp/cl-format true "~{~a~^, ~} and ~r~%" ["verifier" "profiler" "security"] 42)

;; futures run on the agent pool, whose threads would keep the JVM alive a minute
(shutdown-agents)
