// Python's number formatting, as Keras's callbacks use it: repr(float) for CSV cells, '%.4f' / '%.4e' in the
// progress bar, and str.format fields such as '{epoch:02d}' and '{val_loss:.4f}' in ModelCheckpoint file names.

/** Python repr(float): shortest round-trip digits; scientific when the exponent is < -4 or >= 16; '.0' on integers. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const digits = mant.replace('-', '').replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}

/** Python '%.{p}e': the exponent has a sign and at least two digits. */
export function pyExp(x: number, precision: number): string {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  const [mant, e] = x.toExponential(precision).split('e') as [string, string];
  const n = Number(e);
  return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** Python '%.{p}f'. */
export function pyFixed(x: number, precision: number): string {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  return x.toFixed(precision);
}

/** Python '{:.{p}g}': fixed when -4 <= exponent < p, trailing zeros removed unless `alt`. */
function pyGeneral(x: number, precision: number, alt: boolean): string {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  const p = precision === 0 ? 1 : precision;
  const exp = x === 0 ? 0 : Number(x.toExponential(p - 1).split('e')[1]);
  let s = exp >= -4 && exp < p ? x.toFixed(p - 1 - exp) : pyExp(x, p - 1);
  if (!alt) s = s.replace(/(\.\d*?)0+(?=e|$)/, '$1').replace(/\.(?=e|$)/, '');
  return s;
}

const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?(\.\d+)?([bdeEfFgGnosxX%])?$/;

/** Formats one value with a Python format spec (the part after ':'); `isInt` marks Python ints. */
export function pyFormatValue(value: number | string, spec: string, isInt: boolean): string {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signChar, alt, zero, widthStr, precStr, type] = m;
  let body: string;
  let sign = '';
  if (typeof value === 'string') {
    if (type && type !== 's') throw new Error(`Unknown format code '${type}' for object of type 'str'`);
    body = precStr ? value.slice(0, Number(precStr.slice(1))) : value;
  } else {
    const neg = value < 0 || Object.is(value, -0);
    const a = Math.abs(value);
    const prec = precStr ? Number(precStr.slice(1)) : undefined;
    if (type === 'd' || ((type === undefined || type === 'n') && isInt && prec === undefined)) {
      if (!isInt || !Number.isInteger(value)) throw new Error(`Unknown format code 'd' for object of type 'float'`);
      body = String(a);
    } else if (type === 'f' || type === 'F') body = pyFixed(a, prec ?? 6).toUpperCase();
    else if (type === 'e' || type === 'E') body = type === 'E' ? pyExp(a, prec ?? 6).toUpperCase() : pyExp(a, prec ?? 6);
    else if (type === 'g' || type === 'G') body = pyGeneral(a, prec ?? 6, alt !== undefined);
    else if (type === '%') body = `${pyFixed(a * 100, prec ?? 6)}%`;
    else if (type === undefined && prec === undefined) body = pyFloatRepr(a);
    else if (type === undefined) {
      // Like 'g', but fixed notation keeps at least one digit after the point.
      body = pyGeneral(a, prec!, alt !== undefined);
      if (Number.isFinite(a) && !/[.e]/.test(body)) body += '.0';
    }
    else throw new Error(`Unknown format code '${type}' for a number`);
    if (type === 'G') body = body.toUpperCase();
    sign = neg && !Number.isNaN(value) ? '-' : signChar === '+' ? '+' : signChar === ' ' ? ' ' : '';
  }
  const width = widthStr ? Number(widthStr) : 0;
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : typeof value === 'string' ? '<' : '>');
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  const pad = width - len;
  if (align === '<') return sign + body + fill.repeat(pad);
  if (align === '^') return fill.repeat(Math.floor(pad / 2)) + sign + body + fill.repeat(pad - Math.floor(pad / 2));
  if (align === '=') return sign + fill.repeat(pad) + body;
  return fill.repeat(pad) + sign + body;
}

/**
 * Python `template.format(**values)` for plain named fields ('{name}' or '{name:spec}', '{{' and '}}' escapes).
 * Names in `ints` format as Python ints, every other number as a Python float. Throws on a missing name (KeyError).
 */
export function pyFormat(template: string, values: Readonly<Record<string, number | string>>, ints: ReadonlySet<string> = new Set()): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '}') {
      if (template[i + 1] !== '}') throw new Error(`Single '}' encountered in format string '${template}'`);
      out += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    const close = template.indexOf('}', i);
    if (close < 0) throw new Error(`Single '{' encountered in format string '${template}'`);
    const field = template.slice(i + 1, close);
    const colon = field.indexOf(':');
    const name = colon < 0 ? field : field.slice(0, colon);
    if (!(name in values)) throw new Error(`KeyError: '${name}'`);
    out += pyFormatValue(values[name]!, colon < 0 ? '' : field.slice(colon + 1), ints.has(name));
    i = close;
  }
  return out;
}
