// Donate form: typing another amount selects "Other amount"; picking a preset clears it.
// The form works the same without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".donate-form");
    if (!form) {
      return;
    }
    var other = form.querySelector("input[name='other_amount']");
    var otherChoice = form.querySelector("input[name='preset'][value='other']");
    if (!other || !otherChoice) {
      return;
    }
    other.addEventListener("input", function () {
      if (other.value.trim() !== "") {
        otherChoice.checked = true;
      }
    });
    form.querySelectorAll("input[name='preset']").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.checked && radio !== otherChoice) {
          other.value = "";
        }
      });
    });
  });
})();
