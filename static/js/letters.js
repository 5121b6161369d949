// Letters: count characters left in the personal paragraph (and a rewritten letter).
// The live preview itself is htmx (data-hx-post on the form); this only adds the counters.
(function () {
  "use strict";
  function update(counter, field) {
    var limit = parseInt(field.getAttribute("data-count"), 10);
    var left = limit - field.value.length;
    counter.textContent = counter.getAttribute("data-template")
      .replace("%(left)s", String(left))
      .replace("%(limit)s", String(limit));
    counter.classList.toggle("over", left < 0);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-count-for]").forEach(function (counter) {
      var field = document.getElementById(counter.getAttribute("data-count-for"));
      if (!field || !field.hasAttribute("data-count")) {
        return;
      }
      field.addEventListener("input", function () { update(counter, field); });
      update(counter, field);
    });
  });
})();
