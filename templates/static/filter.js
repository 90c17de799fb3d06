// Progressive enhancement for the timeline: filter the events already in the
// page by person, place, organisation, tag and year. Without JavaScript the
// form stays hidden and the entity, tag and year pages do the same job.
(function () {
  var form = document.getElementById("event-filter");
  if (!form) return;
  var all = document.getElementById("all-events");
  var items = Array.prototype.slice.call(document.querySelectorAll(".timeline li.event"));
  var count = form.querySelector(".filter-count");
  form.hidden = false;

  function apply() {
    var want = {};
    form.querySelectorAll("select").forEach(function (s) { if (s.value) want[s.dataset.filter] = s.value; });
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
    document.querySelectorAll(".timeline section").forEach(function (sec) {
      sec.hidden = !sec.querySelector("li.event:not([hidden])");
    });
    var active = Object.keys(want).length > 0;
    count.textContent = active ? shown + " of " + items.length + " events" : "";
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
})();
