// Start Pagefind's search UI on the search page (the index is built with the site). A big
// site's index is in bundles (generator/search.py): the first is the UI's own, the others
// (data-merge, space-separated paths) are merged in with Pagefind's multisite search.
(function () {
  var el = document.getElementById("search");
  if (!el || typeof PagefindUI === "undefined") return;
  var options = { element: "#search", bundlePath: el.getAttribute("data-bundle"), showSubResults: true, showImages: false };
  var merged = (el.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  if (merged.length) {
    options.mergeIndex = merged.map(function (path) { return { bundlePath: path }; });
  }
  new PagefindUI(options);
})();
