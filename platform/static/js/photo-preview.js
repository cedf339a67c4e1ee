// Photo forms (`<form data-photo-preview>`) show the chosen photo before it is sent, so a
// wrong pick is seen before the upload. The preview's alt text is what the uploader types
// in "What is on the photo?" (until then the form's `data-preview-alt` sentence). The image
// stays in the browser (an object URL, `img-src blob:` in the CSP); the server still checks
// the file. Without JavaScript the form is the same, just without the preview. A file, not
// inline: strict CSP.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-photo-preview]")) {
    const input = form.querySelector('input[type="file"]');
    if (!input) continue;
    const alt = form.querySelector('input[name="alt_text"]');
    const figure = document.createElement("figure");
    figure.className = "photo-preview";
    figure.hidden = true;
    const img = document.createElement("img");
    figure.append(img);
    (input.closest(".field") || input).after(figure);
    let url = null;
    const describe = () => {
      img.alt = (alt && alt.value.trim()) || form.dataset.previewAlt || "";
    };
    input.addEventListener("change", () => {
      if (url) URL.revokeObjectURL(url);
      url = null;
      const file = input.files && input.files[0];
      figure.hidden = !(file && file.type.startsWith("image/"));
      if (figure.hidden) {
        img.removeAttribute("src");
        return;
      }
      url = URL.createObjectURL(file);
      img.src = url;
      describe();
    });
    if (alt) alt.addEventListener("input", describe);
  }
});
