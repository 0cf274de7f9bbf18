// html-validate configuration for the generated pages (tests/html_consumers.rs checks every page
// `formwerk build` writes and every state of the render API with it). The recommended preset
// applies in full; each exception below says why it is right for Formwerk's markup.
export default {
  extends: ["html-validate:recommended"],
  elements: [
    "html5",
    {
      // A fragment (`render_fragment`, `--emit html-fragment`) is placed inside a portal's
      // page and has no <head>, so the CSS that reveals its conditional panels travels with it
      // as a <style> element inside the fragment's wrapper <div>. Browsers apply a <style> in
      // the body like one in the head, and the Nu checker (which follows the WHATWG standard)
      // accepts it there; html-validate's element table still lists <style> as metadata content
      // only. Only this one element is widened; pages keep their CSS in <head>.
      style: { flow: true },
    },
  ],
  rules: {
    // The checkboxes of one multiple choice share one name (`betriebsart`, `kinder[0][hobbys]`):
    // the browser posts one pair per ticked box and the form-data conversion reads the repeated
    // name as the list of codes (docs/HTML.md, "Names"). The preset already shares names among
    // radios and buttons for the same reason; checkboxes are added, every other control must
    // still have a name of its own.
    "form-dup-name": ["error", { shared: ["radio", "checkbox", "button", "reset", "submit"] }],
    // The three inputs of a date sit in `<fieldset role="group">` as the markup contract
    // (shared HTML.md §2.2, after GOV.UK's date input) prescribes: JAWS reads a fieldset's
    // `aria-describedby` (the date's hint and error) only with the explicit role. `group` is
    // the only redundant role written on purpose; every other redundant role is still an error.
    "no-redundant-role": ["error", { exclude: ["group"] }],
    // The title follows the contract's pattern `[Fehler: ]Schritt n von m: <Seite> – <Verfahren>`
    // (shared HTML.md §2.1, as GOV.UK's service pages), so a screen reader user hears the error
    // state, the step, the page and the service first. The words are the form author's; the
    // 70-character limit is a search-result heuristic, and shortening would drop the step or the
    // service name, which the pattern is there to give.
    "long-title": "off",
  },
};
