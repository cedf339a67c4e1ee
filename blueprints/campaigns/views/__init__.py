"""Campaign views, split by audience: `public` (lists, page, widget, poster), `support` (give,
sign up, offer), `initiator` (write, plan, news), `manage` (the wijkmanager), `api` and
`webhooks`."""
