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
  function search(box, list, root) {
    var words = box.value.trim().split(/\s+/).filter(Boolean);
    list.innerHTML = "";
    if (!words.length || !window.PG_INDEX) { return; }
    var hits = window.PG_INDEX.filter(function (entry) {
      var text = entry.t + " " + entry.x;
      return words.every(function (w) { return text.indexOf(w) >= 0; });
    }).slice(0, 200);
    hits.forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + entry.u;
      a.textContent = entry.t;
      var kind = document.createElement("span");
      kind.className = "badge";
      kind.textContent = entry.k;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      list.appendChild(li);
    });
    var count = document.getElementById("count");
    if (count) { count.textContent = hits.length; }
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
