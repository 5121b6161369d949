// The "Sign now" button at the top of a petition: following its #sign link scrolls to
// the form; this also puts the focus in the form's first field, so a person can type
// at once (and a screen reader is where the form is). Without JavaScript the link
// still scrolls there.
(function () {
  "use strict";
  var FIELDS = "input:not([type=hidden]):not([tabindex='-1']), select, textarea";

  function firstField() {
    var form = document.querySelector("#sign form");
    if (!form) {
      return null;
    }
    var fields = form.querySelectorAll(FIELDS);
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].offsetParent !== null && !fields[i].disabled) {
        return fields[i];
      }
    }
    return null;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-sign-jump]"), function (link) {
    link.addEventListener("click", function (event) {
      var field = firstField();
      if (!field) {
        return;
      }
      event.preventDefault();
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#sign");
      }
      document.getElementById("sign").scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  });
})();
