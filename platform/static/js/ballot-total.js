// The running total of a budget (knapsack) ballot, added up as you tick: the same sentences
// the server writes after "Update the total", read from data attributes (strict CSP: no
// inline script), so the round trip and its button are not needed. Only what is shown
// changes: the server adds up the choice again when the ballot is sent, and refuses one
// over the budget. Without JavaScript the button still works.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("running-total");
  const form = box && box.closest("form");
  if (!form) return;
  const budget = Number(box.dataset.budget);
  // Latin digits, as the server's Babel formatting writes them in every language.
  const lang = document.documentElement.lang || "nl";
  let money;
  try {
    money = new Intl.NumberFormat(`${lang}-u-nu-latn`, { style: "currency", currency: box.dataset.currency });
  } catch {
    return; // an unknown currency: keep the button
  }
  const euros = (cents) => money.format(cents / 100);
  const text = box.querySelector(".running-total-text");
  const button = box.querySelector('button[value="total"]');
  if (button) button.hidden = true;

  const update = () => {
    let total = 0;
    for (const input of form.querySelectorAll('input[name="project"]')) {
      const card = input.closest(".project-card");
      if (card) card.classList.toggle("is-chosen", input.checked);
      if (input.checked) total += Number(input.dataset.cost) || 0;
    }
    const sentence = box.dataset.sentence.replace("{total}", euros(total)).replace("{budget}", euros(budget));
    text.textContent = `${sentence} `;
    if (total > budget) {
      const over = document.createElement("strong");
      over.className = "error";
      over.textContent = box.dataset.over;
      text.append(over);
    } else {
      text.append(box.dataset.left.replace("{left}", euros(budget - total)));
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "project") update();
  });
});
