// digest search page: reads the index digest writes into search-index/ (digest/search/).
// A query is split as the index was: each run of Hangul into its overlapping syllable pairs,
// other words whole and lowercased. Every word of the query must match; a Hangul word ending
// in a particle also matches its stem. Results are ranked with BM25 (title above body), or
// newest first. Its own words (ui) come from the page: #search-words.
(() => {
  const form = document.querySelector(".search-form");
  if (!form) return;
  const root = form.dataset.root; // relative path from this page to the site root
  const base = root + "search-index/";
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const ui = JSON.parse(document.getElementById("search-words").textContent);
  const PAGE_SIZE = 20;
  const HANGUL = /^[\uAC00-\uD7A3]/;
  const WORDS = /[\uAC00-\uD7A3]+|(?:(?![\uAC00-\uD7A3])[\p{L}\p{N}])+/gu;
  // The particles a query word may end in, longest first (written as code points: the theme's
  // files hold no words of a language): eseo euro eun neun i ga eul reul e ro ui do wa gwa.
  const PARTICLES = ["\uC5D0\uC11C", "\uC73C\uB85C", "\uC740", "\uB294", "\uC774", "\uAC00",
                     "\uC744", "\uB97C", "\uC5D0", "\uB85C", "\uC758", "\uB3C4", "\uC640",
                     "\uACFC"];
  const SECTION_MARK = "§";
  const EXACT_BONUS = 0.2;

  // A word -> its index terms: the syllable pairs of a Hangul run, else the word itself.
  function termsOf(word) {
    if (word.length < 2 || !HANGUL.test(word)) return [word];
    const pairs = [];
    for (let i = 0; i < word.length - 1; i++) pairs.push(word.slice(i, i + 2));
    return pairs;
  }

  // A Hangul word ending in a particle -> its stem, where at least two syllables remain.
  function stemOf(word) {
    if (!HANGUL.test(word)) return null;
    const particle = PARTICLES.find((p) => word.endsWith(p) && word.length - p.length >= 2);
    return particle ? word.slice(0, -particle.length) : null;
  }

  // The query -> its words, each with the forms it matches (as typed first, then its stem).
  function parse(query) {
    const words = query.normalize("NFC").toLowerCase().match(WORDS) || [];
    return words.map((word) => {
      const stem = stemOf(word);
      return stem ? [word, stem] : [word];
    });
  }

  function fnv1a(term) {
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(term)) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
    return hash;
  }

  async function fetchBytes(path) {
    const response = await fetch(base + path);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // a server that unzipped it
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // A shard's bytes -> Map term -> {ids, values} for the wanted terms (format: shards.py).
  function readShard(bytes, wanted, into) {
    let at = 0;
    const number = () => {
      let value = 0;
      for (let shift = 1; ; shift *= 128) {
        const byte = bytes[at++];
        value += (byte & 0x7f) * shift;
        if (byte < 0x80) return value;
      }
    };
    const decoder = new TextDecoder();
    const heads = [];
    for (let count = number(); count > 0; count--) {
      const size = number();
      const term = decoder.decode(bytes.subarray(at, at + size));
      at += size;
      heads.push([term, number(), number(), number()]);
    }
    for (const [term, count, , size] of heads) {
      if (wanted.has(term)) into.set(term, readPostings(bytes, at, count, size));
      at += size + count;
    }
  }

  function readPostings(bytes, at, count, size) {
    const ids = new Uint32Array(count);
    let id = 0, value = 0, shift = 1, n = 0;
    for (let i = at; i < at + size; i++) {
      value += (bytes[i] & 0x7f) * shift;
      if (bytes[i] & 0x80) { shift *= 128; continue; }
      id += value;
      ids[n++] = id;
      value = 0;
      shift = 1;
    }
    return { ids, values: bytes.subarray(at + size, at + size + count) };
  }

  // Terms -> their postings (terms no document has are absent), one fetch per shard.
  async function postings(terms, shards) {
    const byShard = new Map();
    for (const term of terms) {
      const shard = fnv1a(term) % shards;
      if (!byShard.has(shard)) byShard.set(shard, new Set());
      byShard.get(shard).add(term);
    }
    const found = new Map();
    await Promise.all([...byShard].map(async ([shard, wanted]) => {
      readShard(await fetchBytes(`s/${shard}.bin`), wanted, found);
    }));
    return found;
  }

  // One term's BM25F score in each document holding it.
  function scores(posting, index, lengths) {
    const { k1, b, title, average } = index;
    const df = posting.ids.length;
    const idf = Math.log(1 + (index.docs - df + 0.5) / (df + 0.5));
    const found = new Map();
    posting.ids.forEach((doc, i) => {
      const value = posting.values[i];
      const tf = (value & 31) + title * (value >> 5);
      const length = lengths ? 2 ** (lengths[doc] / 16) - 1 : average;
      found.set(doc, idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / (average || 1))));
    });
    return found;
  }

  // A form of a word -> the documents holding all its terms, with the sum of their scores.
  function matchForm(form, found, index, lengths) {
    const lists = termsOf(form).map((term) => found.get(term));
    if (lists.some((posting) => !posting)) return new Map();
    lists.sort((x, y) => x.ids.length - y.ids.length);
    let matched = scores(lists[0], index, lengths);
    for (const posting of lists.slice(1)) {
      const more = scores(posting, index, lengths);
      const next = new Map();
      for (const [doc, score] of matched) if (more.has(doc)) next.set(doc, score + more.get(doc));
      matched = next;
    }
    return matched;
  }

  // A word's forms -> Map doc -> score: the stem's score (or the word's, without a stem), a
  // bonus where the word is there as typed. (A bonus, not a tier: the stem in a title must
  // still outrank the exact form in passing, as with the stem and the title's other word.)
  function matchWord(forms, found, index, lengths) {
    const matched = matchForm(forms[forms.length - 1], found, index, lengths);
    if (forms.length > 1) {
      for (const doc of matchForm(forms[0], found, index, lengths).keys()) {
        if (matched.has(doc)) matched.set(doc, matched.get(doc) * (1 + EXACT_BONUS));
      }
    }
    return matched;
  }

  // The words -> Map doc -> score of the documents matching every word.
  function matchAll(words, found, index, lengths) {
    let matched = null;
    for (const forms of words) {
      const best = matchWord(forms, found, index, lengths);
      if (matched === null) { matched = best; continue; }
      const next = new Map();
      for (const [doc, score] of matched) if (best.has(doc)) next.set(doc, score + best.get(doc));
      matched = next;
    }
    return matched || new Map();
  }

  // The ids of the documents published from `from` to `to` (ISO days), as [first, last].
  function dayRange(days, from, to) {
    let first = Infinity, last = -1, id = 0;
    for (const [day, count] of days) {
      if (day >= from && day <= to) {
        first = Math.min(first, id);
        last = id + count - 1;
      }
      id += count;
    }
    return [first, last];
  }

  async function find(words, params) {
    const index = await (await fetch(base + "index.json")).json();
    const section = params.get("section");
    const terms = new Set(words.flat().flatMap(termsOf));
    if (section) terms.add(SECTION_MARK + section);
    const byDate = params.get("sort") === "date";
    const [found, lengths] = await Promise.all([
      postings(terms, index.shards), byDate ? null : fetchBytes("lengths.bin")]);
    const matched = matchAll(words, found, index, lengths);
    const [first, last] = dayRange(index.days, params.get("from") || "0000",
                                   params.get("to") || "9999");
    const inSection = section ? new Set(found.get(SECTION_MARK + section)?.ids || []) : null;
    const docs = [...matched.keys()].filter(
      (doc) => doc >= first && doc <= last && (!inSection || inSection.has(doc)));
    return byDate ? docs.sort((x, y) => y - x)
      : docs.sort((x, y) => matched.get(y) - matched.get(x) || y - x);
  }

  // Every form of every word, longest first, as one pattern for marking hits.
  function hitPattern(words) {
    const forms = [...new Set(words.flat())].sort((x, y) => y.length - x.length);
    const escaped = forms.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return escaped.length ? new RegExp(escaped.join("|"), "gi") : null;
  }

  // Text -> DOM nodes with every hit wrapped in <mark> (text nodes only: no markup injected).
  function marked(text, pattern) {
    const nodes = [];
    let last = 0;
    if (pattern) pattern.lastIndex = 0; // matchAll starts where the pattern last stopped
    for (const match of pattern ? text.matchAll(pattern) : []) {
      nodes.push(document.createTextNode(text.slice(last, match.index)));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      nodes.push(mark);
      last = match.index + match[0].length;
    }
    nodes.push(document.createTextNode(text.slice(last)));
    return nodes;
  }

  // The passage of `text` around the first hit, hits marked.
  function excerpt(text, pattern) {
    pattern.lastIndex = 0;
    const hit = pattern.exec(text);
    const first = hit ? hit.index : 0;
    const start = Math.max(0, first - 60);
    const end = Math.min(text.length, first + 140);
    return [
      ...(start > 0 ? [document.createTextNode("…")] : []),
      ...marked(text.slice(start, end), pattern),
      ...(end < text.length ? [document.createTextNode("…")] : []),
    ];
  }

  // A text of the table with its {name} (or {name:02d}, zero-padded) placeholders filled.
  function fill(text, values) {
    return text.replace(/\{(\w+)(?::0(\d)d)?\}/g,
                        (_, name, width) => String(values[name]).padStart(Number(width || 0), "0"));
  }

  function showDate(iso) {
    const [year, month, day] = iso.slice(0, 10).split("-").map(Number);
    return fill(ui.day, { year, month, day });
  }

  function item(doc, pattern) {
    const li = document.createElement("li");
    li.className = "story";
    const a = document.createElement("a");
    a.className = "headline";
    a.href = root + doc.u.replace(/^\//, "");
    a.append(...marked(doc.t, pattern));
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = `${doc.s} · ${showDate(doc.d)}`;
    const summary = document.createElement("p");
    summary.className = "summary";
    summary.append(...excerpt(doc.x, pattern));
    li.append(a, meta, summary);
    return li;
  }

  async function run() {
    const params = new URLSearchParams(location.search);
    const query = (params.get("q") || "").trim();
    for (const name of ["q", "section", "from", "to", "sort"]) {
      if (form.elements[name]) form.elements[name].value = params.get(name) || "";
    }
    const words = parse(query);
    if (!words.length) return;
    status.textContent = ui.searching;
    const docs = await find(words, params);
    const pattern = hitPattern(words);
    let shown = 0;
    async function page() {
      const batch = docs.slice(shown, shown + PAGE_SIZE);
      shown += batch.length;
      const found = await Promise.all(batch.map(async (doc) =>
        JSON.parse(new TextDecoder().decode(await fetchBytes(`d/${doc}.bin`)))));
      list.append(...found.map((doc) => item(doc, pattern)));
      more.hidden = shown >= docs.length;
      status.textContent = fill(ui.results, { query, count: docs.length });
    }
    more.onclick = page;
    await page();
  }

  run().catch((error) => {
    status.textContent = fill(ui.search_failed, { error: error.message });
  });
})();
