// Formwerk live values (src/emit/html/live.rs): recomputes the <output> of each covered
// computed field when an input changes, with the meaning of the reference validator: numbers
// are exact (BigInt mantissa and scale, as src/runtime/decimal.rs, overflow beyond i128 is
// unknown), inputs are read as src/formdata reads them, an absent or unreadable input is
// unknown, unknown makes the output empty. What is not on this page is left to the server.
"use strict";
function formwerkLive(plan) {
  var SKIP = { skip: true };
  var I128_MAX = (BigInt(1) << BigInt(127)) - BigInt(1);
  var I128_MIN = -(BigInt(1) << BigInt(127));
  var I64_MAX = (BigInt(1) << BigInt(63)) - BigInt(1);
  var I64_MIN = -(BigInt(1) << BigInt(63));
  var ZERO = BigInt(0);
  var TEN = BigInt(10);
  var WHITE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
  var DIGITS = /^[0-9]+$/;

  function fits(m) { return m <= I128_MAX && m >= I128_MIN; }
  function pow10(k) { return k > 38 ? null : TEN ** BigInt(k); }
  // A number: { m: BigInt mantissa, s: scale }; null is unknown.
  function num(m, s) { return fits(m) ? { m: m, s: s } : null; }
  function rescaled(a, s) {
    var p = pow10(s - a.s);
    if (p === null) return null;
    var m = a.m * p;
    return fits(m) ? m : null;
  }
  function normalised(a) {
    var m = a.m, s = a.s;
    while (s > 0 && m % TEN === ZERO) { m /= TEN; s -= 1; }
    return { m: m, s: s };
  }
  function add(a, b) {
    if (a === null || b === null) return null;
    var s = Math.max(a.s, b.s), x = rescaled(a, s), y = rescaled(b, s);
    return x === null || y === null ? null : num(x + y, s);
  }
  function neg(a) { return a === null ? null : num(-a.m, a.s); }
  function mul(a, b) {
    if (a === null || b === null) return null;
    var r = num(a.m * b.m, a.s + b.s);
    return r === null ? null : normalised(r);
  }
  function div(a, b) {
    if (a === null || b === null || b.m === ZERO) return null;
    var s = Math.max(a.s, b.s) + 10, p = pow10(s + b.s - a.s);
    if (p === null) return null;
    var n = a.m * p;
    if (!fits(n)) return null;
    return normalised({ m: n / b.m, s: s });
  }
  function less(a, b) {
    var s = Math.max(a.s, b.s), x = rescaled(a, s), y = rescaled(b, s);
    if (x === null || y === null) return a.m < b.m;
    return x < y;
  }
  // Half away from zero to at most `scale` digits (Decimal::rounded).
  function rounded(a, scale) {
    if (a === null || scale === null || scale === undefined || a.s <= scale) return a;
    var d = TEN ** BigInt(a.s - scale), q = a.m / d, r = a.m % d;
    if (r < ZERO) r = -r;
    var m = r * BigInt(2) >= d ? q + (a.m < ZERO ? BigInt(-1) : BigInt(1)) : q;
    return normalised({ m: m, s: scale });
  }
  function text(a) {
    var neg = a.m < ZERO, digits = (neg ? -a.m : a.m).toString(), sign = neg ? "-" : "";
    if (a.s === 0) return sign + digits;
    while (digits.length < a.s + 1) digits = "0" + digits;
    return sign + digits.slice(0, digits.length - a.s) + "." + digits.slice(digits.length - a.s);
  }
  // Decimal::parse: at most 28 significant digits.
  function parse(neg, intPart, frac) {
    if (intPart.replace(/^0+/, "").length + frac.length > 28) return null;
    var m = BigInt(intPart + frac);
    return num(neg ? -m : m, frac.length);
  }
  function literal(t) {
    var m = /^(-?)([0-9]+)(?:\.([0-9]+))?$/.exec(t);
    return m ? parse(m[1] === "-", m[2], m[3] || "") : null;
  }
  // formdata::values::german_decimal, then the validator's reading of the decimal.
  function grouped(t) {
    var groups = t.split(".");
    for (var i = 1; i < groups.length; i++) if (groups[i].length !== 3) return null;
    return groups.join("");
  }
  function german(t) {
    var compact = t.replace(/[ \u00a0\u202f]/g, "");
    var negative = compact.charAt(0) === "-";
    var body = negative ? compact.slice(1) : compact;
    var intPart, frac = null, comma = body.indexOf(",");
    if (comma >= 0) {
      intPart = grouped(body.slice(0, comma));
      frac = body.slice(comma + 1);
    } else if (body.split(".").length === 2) {
      var dot = body.indexOf("."), a = body.slice(0, dot), b = body.slice(dot + 1);
      if (b.length === 3 && a !== "") intPart = a + b; else { intPart = a; frac = b; }
    } else {
      intPart = grouped(body);
    }
    if (intPart === null || !DIGITS.test(intPart) || (frac !== null && !DIGITS.test(frac))) return null;
    return parse(negative, intPart, frac || "");
  }
  // One posted value as the validator reads it (null: absent or unreadable).
  function read(raw, input, type) {
    var t = raw.replace(WHITE, "").replace(/\t/g, " ");
    if (t === "") return null;
    var value;
    if (input === "integer") {
      var digits = t.replace(/[ .\u00a0\u202f]/g, "");
      var m = /^[+-]?[0-9]+$/.test(digits) ? BigInt(digits) : null;
      value = m !== null && m >= I64_MIN && m <= I64_MAX ? { m: m, s: 0 } : null;
      // An integer field is a JSON number: read as a decimal or money value it is unknown.
      return type === "integer" ? value : null;
    }
    var stripped = input === "money" ? t.split("€").join("").split("EUR").join("").replace(WHITE, "") : t;
    value = german(stripped);
    // A decimal or money field holds a string: read as an integer it is unknown.
    return type === "integer" ? null : value;
  }

  function start() {
    var outputs = [];
    plan.outputs.forEach(function (o) {
      var element = document.getElementById(o.id);
      if (element && element.tagName === "OUTPUT" && element.form) outputs.push({ plan: o, element: element });
    });
    if (outputs.length === 0) return;
    var lang = document.documentElement.getAttribute("lang");
    var language = plan.languages[lang];
    if (!language) return;
    var byId = {};
    plan.outputs.forEach(function (o) { byId[o.id] = o; });
    var repeats = {};
    plan.repeats.forEach(function (r) { repeats[JSON.stringify(r.path)] = r; });

    function nameOf(path, repeat, index) {
      var out = path[0];
      for (var i = 1; i < path.length; i++) {
        if (repeat && i === repeat.length) out += "[" + index + "]";
        out += "[" + path[i] + "]";
      }
      return out;
    }

    function recompute(form) {
      var data = new FormData(form);
      var names = {};
      Array.prototype.forEach.call(form.elements, function (e) { if (e.name) names[e.name] = true; });
      var values = {};

      function items(path) {
        var r = repeats[JSON.stringify(path)];
        if (!r || !document.getElementById(r.id)) throw SKIP;
        var prefix = nameOf(path) + "[", n = 0;
        Object.keys(names).forEach(function (name) {
          if (name.lastIndexOf(prefix, 0) !== 0) return;
          var m = /^([0-9]+)\]/.exec(name.slice(prefix.length));
          if (m) n = Math.max(n, Number(m[1]) + 1);
        });
        return r.max === null || r.max === undefined ? n : Math.min(n, r.max);
      }

      function evaluate(e, index) {
        switch (e.op) {
          case "number": return literal(e.value);
          case "field": {
            var name = nameOf(e.path, e.repeat, index);
            if (!names[name]) throw SKIP;
            var all = data.getAll(name);
            var raw = all.length ? all[all.length - 1] : "";
            return typeof raw === "string" ? read(raw, e.input, e.type) : null;
          }
          case "computed": return value(byId[e.id]);
          case "neg": return neg(evaluate(e.operand, index));
          case "add": return add(evaluate(e.lhs, index), evaluate(e.rhs, index));
          case "sub": return add(evaluate(e.lhs, index), neg(evaluate(e.rhs, index)));
          case "mul": return mul(evaluate(e.lhs, index), evaluate(e.rhs, index));
          case "div": return div(evaluate(e.lhs, index), evaluate(e.rhs, index));
          case "count": return { m: BigInt(items(e.repeat)), s: 0 };
          case "sum": case "min": case "max": {
            var n = items(e.repeat), best = null, total = { m: ZERO, s: 0 };
            for (var i = 0; i < n; i++) {
              var v = evaluate(e.value, i);
              if (v === null) continue;
              if (e.op === "sum") {
                total = add(total, v);
                if (total === null) return null;
              } else if (best === null || (e.op === "min") === less(v, best)) {
                best = v;
              }
            }
            return e.op === "sum" ? total : best;
          }
          default: throw SKIP;
        }
      }

      function value(o) {
        if (!o) throw SKIP;
        if (!(o.id in values)) values[o.id] = rounded(evaluate(o.expr), o.scale);
        return values[o.id];
      }

      // The text the server writes into the output (views' decimal_text and suffix).
      function shown(o, v) {
        if (v === null) return "";
        var t;
        if (o.type === "integer") {
          if (v.s !== 0 || v.m > I64_MAX || v.m < I64_MIN) return "";
          t = text(v);
        } else if (o.type === "money") {
          t = text(v);
          var point = t.indexOf("."), whole = point < 0 ? t : t.slice(0, point);
          var frac = point < 0 ? "" : t.slice(point + 1);
          while (frac.length < o.scale) frac += "0";
          t = o.scale === 0 ? whole : whole + "." + frac;
        } else {
          t = text(v);
        }
        t = t.split(".").join(language.separator);
        var suffix = language.suffixes[o.id];
        return suffix ? t + " " + suffix : t;
      }

      outputs.forEach(function (out) {
        if (out.element.form !== form) return;
        try {
          var t = shown(out.plan, value(out.plan));
          if (out.element.textContent !== t) out.element.textContent = t;
        } catch (error) {
          if (error !== SKIP) throw error;
        }
      });
    }

    function changed(event) {
      var form = event.target && event.target.form;
      if (form) recompute(form);
    }
    document.addEventListener("input", changed);
    document.addEventListener("change", changed);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}

formwerkLive({"version":1,"outputs":[{"path":["haushaltseinkommen"],"id":"haushaltseinkommen","type":"money","scale":0,"expr":{"op":"add","lhs":{"op":"sum","repeat":["einkommen"],"value":{"op":"field","path":["einkommen","betrag"],"repeat":["einkommen"],"input":"money","type":"money"}},"rhs":{"op":"sum","repeat":["mitglieder"],"value":{"op":"field","path":["mitglieder","einkommen"],"repeat":["mitglieder"],"input":"money","type":"money"}}}}],"repeats":[{"path":["einkommen"],"id":"einkommen","max":6},{"path":["mitglieder"],"id":"mitglieder","max":11}],"languages":{"de":{"separator":",","suffixes":{"haushaltseinkommen":"€"}},"en":{"separator":".","suffixes":{"haushaltseinkommen":"€"}}}});
