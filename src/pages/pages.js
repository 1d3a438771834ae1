// The pages' only script, and they work without it: it makes the embed snippets' addresses
// absolute (with the page's own origin, which the server does not trust a client to tell
// it) and gives the copy buttons their clipboard.
for (const box of document.querySelectorAll("[data-embed-snippet]")) {
  box.value = box.value.replace('src="/', `src="${location.origin}/`);
}
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const text = "value" in source ? source.value : source.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    // No clipboard (an insecure origin, a denied permission): select it for copying by hand.
    if (source.select) source.select();
  }
});
// A link to a claim on the page opens it (a closed disclosure would hide its target).
function openTarget() {
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.tagName === "DETAILS") target.open = true;
}
window.addEventListener("hashchange", openTarget);
openTarget();
