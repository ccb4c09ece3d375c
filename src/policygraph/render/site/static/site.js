/* The language switch and the search: plain script, works from file://. */
(function () {
  "use strict";
  function setLanguage(lang) {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.querySelectorAll("[data-en]").forEach(function (el) {
      if (!el.hasAttribute("data-zh")) { el.setAttribute("data-zh", el.textContent); }
      el.textContent = lang === "en" ? el.getAttribute("data-en") : el.getAttribute("data-zh");
    });
    try { window.localStorage.setItem("pg-lang", lang); } catch (e) { /* file:// may refuse */ }
  }
  function stored() {
    try { return window.localStorage.getItem("pg-lang") || "zh"; } catch (e) { return "zh"; }
  }
  // The rank of an entry for the words asked (lower first), or -1 where it does not match
  // them all: a department named exactly (by its name or another it is written by), then a
  // title holding every word, then a text holding them.
  function rank(entry, words, query, whole) {
    var names = entry.a ? entry.a.split("、") : [];
    if (entry.k === "department" && (entry.t === query || names.indexOf(query) >= 0)) { return 0; }
    var title = entry.t + " " + (entry.a || "");
    if (words.every(function (w) { return title.indexOf(w) >= 0; })) { return 1; }
    var text = title + " " + whole;
    return words.every(function (w) { return text.indexOf(w) >= 0; }) ? 2 : -1;
  }
  // The index in shards (render/site/search.py): the first file, loaded with the page, holds
  // each entry's kind, title, page and other names; which entries hold each character, and
  // their whole texts, are loaded when a query needs them, each by a script element (which
  // works from file://) that hands its data to PG_LOADED.
  var loaded = {};
  var waiting = {};
  window.PG_LOADED = function (name, data) {
    loaded[name] = data;
    (waiting[name] || []).forEach(function (then) { then(); });
    delete waiting[name];
  };
  function load(root, names, done) {
    var left = names.filter(function (n, at) { return !(n in loaded) && names.indexOf(n) === at; });
    var count = left.length;
    if (!count) { done(); return; }
    left.forEach(function (name) {
      var first = !(name in waiting);
      (waiting[name] = waiting[name] || []).push(function () { if (--count === 0) { done(); } });
      if (first) {
        var script = document.createElement("script");
        script.src = root + "static/search/" + name + ".js";
        script.onerror = function () { window.PG_LOADED(name, {}); };
        document.head.appendChild(script);
      }
    });
  }
  function shardOf(ch) { return "c" + (ch.codePointAt(0) % window.PG_SEARCH.chars); }
  function textOf(at) { return "t" + Math.floor(at / window.PG_SEARCH.per); }
  // The entries that hold every character of the words asked (by the shards of characters).
  function candidates(chars) {
    var found = null;
    chars.forEach(function (ch) {
      var ids = (loaded[shardOf(ch)] || {})[ch] || [];
      found = found === null ? ids : found.filter(function (at) { return ids.indexOf(at) >= 0; });
    });
    return found || [];
  }
  function kindBadge(key) {
    var words = (window.PG_KINDS || {})[key] || [key, key];
    var kind = document.createElement("span");
    kind.className = "badge";
    kind.setAttribute("data-zh", words[0]);
    kind.setAttribute("data-en", words[1]);
    kind.textContent = document.documentElement.lang === "en" ? words[1] : words[0];
    return kind;
  }
  // Where a text hit is: the words around the first word asked.
  function snippet(text, word) {
    var at = text.indexOf(word);
    var part = document.createElement("div");
    part.className = "snippet";
    if (at < 0) { return part; }
    var from = Math.max(0, at - 30);
    var to = at + word.length + 30;
    part.textContent = (from > 0 ? "…" : "") + text.slice(from, to) + (to < text.length ? "…" : "");
    return part;
  }
  var asked = 0;  // the last query asked: an answer to an earlier one is not shown
  function search(box, list, root) {
    var query = box.value.trim();
    var words = query.split(/\s+/).filter(Boolean);
    var count = document.getElementById("count");
    var none = document.getElementById("none");
    var ask = ++asked;
    list.innerHTML = "";
    list.removeAttribute("data-query");
    if (count) { count.parentNode.hidden = true; }
    if (none) { none.hidden = true; }
    if (!words.length || !window.PG_INDEX || !window.PG_SEARCH) { return; }
    var chars = Array.from(words.join("")).filter(function (c, at, all) { return all.indexOf(c) === at; });
    load(root, chars.map(shardOf), function () {
      if (ask !== asked) { return; }
      var ids = candidates(chars);
      load(root, ids.map(textOf), function () {
        if (ask !== asked) { return; }
        show(list, root, words, query, ids);
      });
    });
  }
  function show(list, root, words, query, ids) {
    var count = document.getElementById("count");
    var none = document.getElementById("none");
    var hits = [];
    ids.forEach(function (at) {
      var entry = window.PG_INDEX[at];
      var whole = (loaded[textOf(at)] || {})[at] || "";
      var r = rank(entry, words, query, whole);
      if (r >= 0) { hits.push([r, at, entry, whole]); }
    });
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    if (count) { count.textContent = hits.length; count.parentNode.hidden = false; }
    if (none) { none.hidden = hits.length > 0; }
    hits.forEach(function (hit) {
      var entry = hit[2];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + entry.u;
      a.textContent = entry.t;
      li.appendChild(kindBadge(entry.k));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      if (hit[0] === 2) { li.appendChild(snippet(hit[3], words[0])); }
      list.appendChild(li);
    });
    list.setAttribute("data-query", query);  // done: what the results are for
  }
  document.addEventListener("DOMContentLoaded", function () {
    var lang = stored();
    if (lang === "en") { setLanguage("en"); }
    var button = document.getElementById("lang");
    if (button) {
      button.addEventListener("click", function () {
        setLanguage(document.documentElement.lang === "en" ? "zh" : "en");
      });
    }
    var box = document.getElementById("search");
    var list = document.getElementById("results");
    if (box && list) {
      var root = document.body.getAttribute("data-root") || "";
      box.addEventListener("input", function () { search(box, list, root); });
      var q = new URLSearchParams(window.location.search).get("q");
      if (q) { box.value = q; search(box, list, root); }
    }
  });
})();
