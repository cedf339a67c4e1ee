// Stripe's Payment Element on a pledge page (card, iDEAL). The page reads its settings from
// data attributes: no inline script, so the Content-Security-Policy stays strict.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("payment-form");
  if (!form || typeof window.Stripe !== "function") return;
  const stripe = window.Stripe(form.dataset.publishableKey, { locale: form.dataset.locale });
  const elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#payment-element");
  const button = document.getElementById("payment-submit");
  const message = document.getElementById("payment-message");
  button.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    const { error } = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: form.dataset.returnUrl },
    });
    // Only reached when the payment could not start; otherwise Stripe returns to the page.
    message.textContent = error.message;
    message.hidden = false;
    button.disabled = false;
  });
});
