// Progressive enhancement for the lists of events: filter the events on the
// page by person, place, organisation, tag and year. The choice is kept in the
// URL (?person=...&year=...), so a filtered view can be shared and a shared
// link restores it. Without JavaScript the form stays hidden and the period,
// entity and tag pages do the same job.
(function () {
  var form = document.getElementById("event-filter");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filterable] li.event"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-filterable] section"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var count = form.querySelector(".filter-count");
  form.hidden = false;

  function wanted() {
    var want = {};
    selects.forEach(function (s) { if (s.value) want[s.dataset.filter] = s.value; });
    return want;
  }

  function apply() {
    var want = wanted();
    var shown = 0;
    items.forEach(function (li) {
      var ents = (li.dataset.entities || "").split("|");
      var tags = (li.dataset.tags || "").split("|");
      var ok = true;
      ["person", "place", "organisation"].forEach(function (k) { if (want[k] && ents.indexOf(want[k]) < 0) ok = false; });
      if (want.tag && tags.indexOf(want.tag) < 0) ok = false;
      if (want.year && li.dataset.year !== want.year) ok = false;
      li.hidden = !ok;
      if (ok) shown++;
    });
    groups.forEach(function (sec) { sec.hidden = !sec.querySelector("li.event:not([hidden])"); });
    var active = Object.keys(want).length > 0;
    count.textContent = active ? shown + " of " + items.length + " events" : "";
    return want;
  }

  function remember(want) {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) { params.delete(s.dataset.filter); });
    Object.keys(want).forEach(function (k) { params.set(k, want[k]); });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  // A shared link: select what the URL names (a name not listed on this page is added to the choices).
  var params = new URLSearchParams(window.location.search);
  selects.forEach(function (s) {
    var value = params.get(s.dataset.filter);
    if (!value) return;
    if (!Array.prototype.some.call(s.options, function (o) { return o.value === value; })) {
      var option = document.createElement("option");
      option.textContent = value;
      s.appendChild(option);
    }
    s.value = value;
  });
  if (Object.keys(wanted()).length) apply();  // nothing chosen: the page is already as it should be
  form.addEventListener("change", function () { remember(apply()); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
})();
