// Start Pagefind's search UI on the search page (the index is built with the site).
(function () {
  var el = document.getElementById("search");
  if (!el || typeof PagefindUI === "undefined") return;
  new PagefindUI({ element: "#search", bundlePath: el.getAttribute("data-bundle"), showSubResults: true, showImages: false });
})();
