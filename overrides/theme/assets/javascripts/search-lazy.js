/* Sikker By: Material's search index (search/search_index.json, which grows with every page) is
   fetched only when a reader uses search: focus on or typing in the search field, opening the
   search dialog (click, or the "/", "s", "f" keys, which focus the field), or arriving from a
   search result (?h=...). Until then Material's request for it is held back; the index, the
   Danish search pipeline and so the results are Material's own, unchanged. Loaded before
   Material's bundle (overrides/theme/main.html). */
(function () {
  "use strict";
  var INDEX = /(^|\/)search\/search_index\.json$/;
  var held = [];
  var used = false;

  function useSearch() {
    if (used) return;
    used = true;
    held.splice(0).forEach(function (send) { send(); });
  }
  window.sikkerbyUseSearch = useSearch;

  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.sikkerbySearchIndex = INDEX.test(String(url).split(/[?#]/)[0]);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (!xhr.sikkerbySearchIndex || used) return send.apply(xhr, args);
    held.push(function () { send.apply(xhr, args); });
  };

  function isSearchField(el) {
    return !!(el && el.matches && el.matches("[data-md-component=search-query]"));
  }
  document.addEventListener("focusin", function (e) { if (isSearchField(e.target)) useSearch(); }, true);
  document.addEventListener("input", function (e) { if (isSearchField(e.target)) useSearch(); }, true);
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "__search" && e.target.checked) useSearch();
  }, true);
  if (/[?&]h=/.test(window.location.search)) useSearch();
})();
