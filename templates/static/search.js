// digest search page: Pagefind over digest's Korean segmentation (see digest/search.py).
// The query is segmented exactly as the index was: Hangul as overlapping syllable pairs,
// other words lowercased. Results show the article's own text, the hit marked. Its own words
// (ui) come from the page: #search-words, written from the table of the site's language.
(() => {
  const form = document.querySelector(".search-form");
  if (!form) return;
  const root = form.dataset.root; // relative path from this page to the site root
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const ui = JSON.parse(document.getElementById("search-words").textContent);
  const PAGE_SIZE = 20;
  const HANGUL = /[\uAC00-\uD7A3]/;

  // Hangul as hex code points plus "k", as digest/search.py writes the index.
  function code(hangul) {
    return [...hangul].map((c) => c.codePointAt(0).toString(16).padStart(4, "0")).join("") + "k";
  }

  function segment(text) {
    const words = [];
    for (const token of text.toLowerCase().normalize("NFC").match(/[\p{L}\p{N}]+/gu) || []) {
      for (const run of token.match(/[\uAC00-\uD7A3]+|[^\uAC00-\uD7A3]+/g)) {
        if (run.length > 1 && HANGUL.test(run)) {
          for (let i = 0; i < run.length - 1; i++) words.push(code(run.slice(i, i + 2)));
        } else {
          words.push(HANGUL.test(run) ? code(run) : run);
        }
      }
    }
    return words.join(" ");
  }

  function terms(query) {
    return (query.normalize("NFC").match(/[\p{L}\p{N}]+/gu) || []).map((t) => t.toLowerCase());
  }

  function hitPattern(words) {
    const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return escaped.length ? new RegExp(escaped.join("|"), "gi") : null;
  }

  // Text -> DOM nodes with every hit wrapped in <mark> (text nodes only: no markup injected).
  function marked(text, pattern) {
    const nodes = [];
    let last = 0;
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
  function excerpt(text, words) {
    const lower = text.toLowerCase();
    const hits = words.map((w) => lower.indexOf(w)).filter((i) => i >= 0);
    const first = hits.length ? Math.min(...hits) : 0;
    const start = Math.max(0, first - 60);
    const end = Math.min(text.length, first + 140);
    return [
      ...(start > 0 ? [document.createTextNode("…")] : []),
      ...marked(text.slice(start, end), hitPattern(words)),
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

  function item(data, words) {
    const li = document.createElement("li");
    li.className = "story";
    const a = document.createElement("a");
    a.className = "headline";
    a.href = root + data.url.replace(/^\//, "");
    a.append(...marked(data.meta.title, hitPattern(words)));
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = `${data.meta.section} · ${showDate(data.meta.date)}`;
    const summary = document.createElement("p");
    summary.className = "summary";
    li.append(a, meta, summary);
    // The excerpt comes from the article page: its own words, not the index form.
    fetch(a.href)
      .then((response) => response.text())
      .then((html) => {
        const body = new DOMParser().parseFromString(html, "text/html").querySelector(".body");
        summary.append(...excerpt((body ? body.textContent : "").replace(/\s+/g, " ").trim(),
                                  words));
      })
      .catch(() => {});
    return li;
  }

  async function run() {
    const params = new URLSearchParams(location.search);
    const query = (params.get("q") || "").trim();
    for (const name of ["q", "section", "from", "to"]) {
      if (form.elements[name]) form.elements[name].value = params.get(name) || "";
    }
    if (!query) return;
    status.textContent = ui.searching;
    const pagefind = await import(root + "pagefind/pagefind.js");
    await pagefind.options({ baseUrl: "/" });
    const section = params.get("section");
    const found = await pagefind.search(segment(query), {
      filters: section ? { section } : {},
      sort: { date: "desc" },
    });
    const from = params.get("from") || "0000";
    const to = params.get("to") || "9999";
    const words = terms(query);
    let next = 0;
    let shown = 0;
    async function page() {
      let added = 0;
      while (added < PAGE_SIZE && next < found.results.length) {
        const batch = found.results.slice(next, next + PAGE_SIZE);
        next += batch.length;
        for (const data of await Promise.all(batch.map((r) => r.data()))) {
          const day = data.meta.date.slice(0, 10);
          if (day < from || day > to) continue;
          list.append(item(data, words));
          added += 1;
        }
      }
      shown += added;
      more.hidden = next >= found.results.length;
      status.textContent = fill(more.hidden ? ui.results : ui.results_and_more,
                                { query, count: shown });
    }
    more.onclick = page;
    await page();
  }

  run().catch((error) => {
    status.textContent = fill(ui.search_failed, { error: error.message });
  });
})();
