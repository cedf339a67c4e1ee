// The ballot's width hint: the page's width in CSS pixels, in a hidden field, so the
// turnout can say how many voted on a phone. Nothing else about the device is sent, and
// without JavaScript the field stays empty ("unknown"). A file, not inline: strict CSP.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const hint = document.getElementById("width_hint");
  if (hint) hint.value = String(Math.round(document.documentElement.clientWidth || 0));
});
