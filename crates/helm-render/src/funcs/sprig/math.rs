//! Sprig's float functions: `floor`, `ceil`, `round`, `maxf`, `minf`, and the `*f`
//! arithmetic, which Sprig computes in decimal (shopspring/decimal) so that
//! `addf 0.1 0.2` is 0.3: each operand is its shortest decimal form, sums and products are
//! exact, quotients are rounded half away from zero at 16 decimal places.

use crate::funcs::args::{arg, arity, arity_min, int, to_float64};
use crate::template::value::Value;
use crate::template::{FuncError, Funcs};

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("floor", |_, args| {
        arity("floor", args, 1)?;
        Ok(Value::Float(to_float64(arg(args, 0)).floor()))
    });
    funcs.insert("ceil", |_, args| {
        arity("ceil", args, 1)?;
        Ok(Value::Float(to_float64(arg(args, 0)).ceil()))
    });
    funcs.insert("round", |_, args| {
        arity_min("round", args, 2)?;
        if args.len() > 3 {
            return Err(FuncError::Args(format!(
                "wrong number of args for round: want at most 3 got {}",
                args.len()
            )));
        }
        let places = int("round", args, 1)?;
        let round_on = match args.get(2) {
            Some(Value::Float(x)) => *x,
            Some(other) => {
                return Err(FuncError::Args(format!(
                    "wrong type for value; expected float64; got {}",
                    other.type_name()
                )));
            }
            None => 0.5,
        };
        Ok(Value::Float(round(
            to_float64(arg(args, 0)),
            places,
            round_on,
        )))
    });
    funcs.insert("maxf", |_, args| {
        arity_min("maxf", args, 1)?;
        Ok(Value::Float(fold(args, go_max)))
    });
    funcs.insert("minf", |_, args| {
        arity_min("minf", args, 1)?;
        Ok(Value::Float(fold(args, go_min)))
    });
    funcs.insert("add1f", |_, args| {
        arity("add1f", args, 1)?;
        decimal_op(arg(args, 0), &[Value::Int(1)], Op::Add)
    });
    funcs.insert("addf", |_, args| {
        decimal_op(&Value::Float(0.0), args, Op::Add)
    });
    for (name, op) in [("subf", Op::Sub), ("mulf", Op::Mul), ("divf", Op::Div)] {
        funcs.insert(name, move |_, args| {
            arity_min(name, args, 1)?;
            decimal_op(arg(args, 0), args.get(1..).unwrap_or_default(), op)
        });
    }
}

fn fold(args: &[Value], f: fn(f64, f64) -> f64) -> f64 {
    let mut values = args.iter().map(to_float64);
    let first = values.next().unwrap_or(0.0);
    values.fold(first, f)
}

/// Go's `math.Max`: NaN wins, then +Inf; +0 beats -0.
fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { b } else { a };
    }
    if a > b { a } else { b }
}

/// Go's `math.Min`: NaN wins, then -Inf; -0 beats +0.
fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if a == 0.0 && b == 0.0 {
        return if a.is_sign_negative() { a } else { b };
    }
    if a < b { a } else { b }
}

/// Sprig's `round`: up when the fraction at `places` reaches `round_on`.
fn round(value: f64, places: i64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places as f64);
    let digit = pow * value;
    let fraction = digit - digit.trunc();
    let rounded = if fraction >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    rounded / pow
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A decimal `mantissa × 10^exponent`.
#[derive(Clone, Copy)]
struct Decimal {
    mantissa: i128,
    exponent: i32,
}

impl Decimal {
    /// shopspring's `NewFromFloat`: the shortest decimal that reads back as `x`.
    fn from_f64(x: f64) -> Result<Decimal, FuncError> {
        if !x.is_finite() {
            return Err(format!(
                "Cannot create a Decimal from {}",
                crate::template::format::format_float(x)
            )
            .into());
        }
        let text = format!("{x:e}");
        let (digits, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let negative = digits.starts_with('-');
        let digits = digits.trim_start_matches('-');
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let mantissa: i128 = format!("{whole}{fraction}").parse().unwrap_or(0);
        Ok(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            exponent: exponent - fraction.len() as i32,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exponent)
            .parse()
            .unwrap_or(0.0)
    }

    /// Both at the smaller exponent, or `None` when that overflows.
    fn align(self, other: Decimal) -> Option<(i128, i128, i32)> {
        let exponent = self.exponent.min(other.exponent);
        let scale = |d: Decimal| {
            let shift = u32::try_from(d.exponent - exponent).ok()?;
            d.mantissa.checked_mul(10i128.checked_pow(shift)?)
        };
        Some((scale(self)?, scale(other)?, exponent))
    }

    fn apply(self, op: Op, other: Decimal) -> Result<Option<Decimal>, FuncError> {
        Ok(match op {
            Op::Add | Op::Sub => self.align(other).and_then(|(a, b, exponent)| {
                let mantissa = match op {
                    Op::Add => a.checked_add(b),
                    _ => a.checked_sub(b),
                }?;
                Some(Decimal { mantissa, exponent })
            }),
            Op::Mul => self
                .mantissa
                .checked_mul(other.mantissa)
                .map(|mantissa| Decimal {
                    mantissa,
                    exponent: self.exponent + other.exponent,
                }),
            Op::Div => {
                if other.mantissa == 0 {
                    return Err("decimal division by 0".into());
                }
                self.divide(other)
            }
        })
    }

    /// shopspring's `DivRound(other, 16)`.
    fn divide(self, other: Decimal) -> Option<Decimal> {
        const PRECISION: i32 = 16;
        // self / other = (m1 / m2) × 10^(e1 - e2); scale m1 so the quotient has 16 places.
        let shift = self.exponent - other.exponent + PRECISION;
        let (numerator, denominator) = if shift >= 0 {
            (
                self.mantissa
                    .checked_mul(10i128.checked_pow(u32::try_from(shift).ok()?)?)?,
                other.mantissa,
            )
        } else {
            (
                self.mantissa,
                other
                    .mantissa
                    .checked_mul(10i128.checked_pow(u32::try_from(-shift).ok()?)?)?,
            )
        };
        let mut quotient = numerator / denominator;
        let remainder = numerator % denominator;
        if remainder.unsigned_abs().checked_mul(2)? >= denominator.unsigned_abs() {
            quotient += if (numerator < 0) != (denominator < 0) {
                -1
            } else {
                1
            };
        }
        Some(Decimal {
            mantissa: quotient,
            exponent: -PRECISION,
        })
    }
}

/// Sprig's `execDecimalOp`: folds the operands in decimal, falling back to float64 only
/// when a value outgrows 38 digits.
fn decimal_op(first: &Value, rest: &[Value], op: Op) -> Result<Value, FuncError> {
    let mut exact = Some(Decimal::from_f64(to_float64(first))?);
    let mut approx = to_float64(first);
    for value in rest {
        let x = to_float64(value);
        let d = Decimal::from_f64(x)?;
        exact = match exact {
            Some(acc) => acc.apply(op, d)?,
            None => None,
        };
        approx = match op {
            Op::Add => approx + x,
            Op::Sub => approx - x,
            Op::Mul => approx * x,
            Op::Div => approx / x,
        };
    }
    Ok(Value::Float(exact.map_or(approx, Decimal::to_f64)))
}
