//! User-defined functions, HCL's userfunc extension as buildx reads it:
//!
//! ```hcl
//! function "pick" {
//!   params         = [version, list]
//!   variadic_param = rest
//!   result         = sethaselement(list, version) ? "a" : "b"
//! }
//! ```
//!
//! The result is evaluated with the parameters bound, beside the file's variables and every
//! function (buildx gives a function the file's variables too). And the two functions that take
//! an expression rather than its value: `can(EXPR)` (whether it evaluates) and `try(A, B, …)`
//! (the first that does).
//!
//! hcl-rs calls a function through a plain `fn` pointer, which cannot carry the function's
//! body, so each declared function gets one of [`MAX`] fixed entry points that look the body up by
//! number in this thread's table, filled while one bake file is read.

use std::cell::{Cell, RefCell};

use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::expr::{FuncCall, Operation, TraversalOperator};
use hcl::{Body, Expression, Value};

/// The most user-defined functions one bake file may declare (Alfresco's bakery declares 3).
pub(super) const MAX: usize = 48;

/// How deep user functions may call each other (a function calling itself fails, as in buildx).
const DEPTH: u32 = 32;

struct UserFunc {
    params: Vec<String>,
    variadic: Option<String>,
    result: Expression,
}

thread_local! {
    static FUNCS: RefCell<Vec<UserFunc>> = const { RefCell::new(Vec::new()) };
    /// The file's variables and functions, as far as they are known: what a body sees.
    static CTX: RefCell<Option<Context<'static>>> = const { RefCell::new(None) };
    static DEPTH_NOW: Cell<u32> = const { Cell::new(0) };
}

/// The parameter names of `params = [a, b]` (identifiers, or the older quoted names).
fn names(e: &Expression) -> Option<Vec<String>> {
    match e {
        Expression::Array(items) => items.iter().map(name).collect(),
        _ => None,
    }
}

fn name(e: &Expression) -> Option<String> {
    match e {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// Reads the `function` blocks of `body` into this thread's table (replacing the last file's)
/// and returns their declarations; a block that cannot be read is a note.
pub(super) fn register(body: &Body, file: &str, notes: &mut Vec<String>) -> Vec<(String, FuncDef)> {
    let mut decls = Vec::new();
    let mut table = Vec::new();
    for b in body.blocks().filter(|b| b.identifier() == "function") {
        let Some(fname) = b.labels().first().map(|l| l.as_str().to_string()) else {
            continue;
        };
        let attr = |k: &str| {
            b.body()
                .attributes()
                .find(|a| a.key() == k)
                .map(|a| a.expr())
        };
        let params = attr("params").map_or(Some(Vec::new()), names);
        let variadic = attr("variadic_param").map(name);
        let (Some(params), Some(result)) = (params, attr("result")) else {
            notes.push(format!("{file}: function {fname}: it needs `params` (a list of names) and `result`; calls to it cannot be evaluated"));
            continue;
        };
        let variadic = match variadic {
            None => None,
            Some(Some(v)) => Some(v),
            Some(None) => {
                notes.push(format!("{file}: function {fname}: `variadic_param` is not a name; calls to it cannot be evaluated"));
                continue;
            }
        };
        if table.len() == MAX {
            notes.push(format!("{file}: function {fname}: more than {MAX} functions in one file; calls to it cannot be evaluated"));
            continue;
        }
        let mut def = FuncDef::builder().params(std::iter::repeat_n(ParamType::Any, params.len()));
        if variadic.is_some() {
            def = def.variadic_param(ParamType::Any);
        }
        decls.push((fname, def.build(ENTRY[table.len()])));
        table.push(UserFunc {
            params,
            variadic,
            result: result.clone(),
        });
    }
    FUNCS.with(|f| *f.borrow_mut() = table);
    CTX.with(|c| *c.borrow_mut() = None);
    decls
}

/// What a function body sees from now on: `ctx` (call after each variable is settled).
pub(super) fn share(ctx: &Context<'static>) {
    if FUNCS.with(|f| !f.borrow().is_empty()) {
        CTX.with(|c| *c.borrow_mut() = Some(ctx.clone()));
    }
}

/// Empties this thread's table (the file has been read).
pub(super) fn clear() {
    FUNCS.with(|f| f.borrow_mut().clear());
    CTX.with(|c| *c.borrow_mut() = None);
}

fn call(i: usize, args: &[Value]) -> Result<Value, String> {
    let (params, variadic, result) = FUNCS
        .with(|f| {
            f.borrow()
                .get(i)
                .map(|u| (u.params.clone(), u.variadic.clone(), u.result.clone()))
        })
        .ok_or("a function of another file")?;
    let mut ctx = CTX.with(|c| c.borrow().clone()).unwrap_or_default();
    for (k, p) in params.iter().enumerate() {
        ctx.declare_var(p.clone(), args.get(k).cloned().unwrap_or(Value::Null));
    }
    if let Some(v) = variadic {
        ctx.declare_var(
            v,
            Value::Array(args.iter().skip(params.len()).cloned().collect()),
        );
    }
    let depth = DEPTH_NOW.with(Cell::get);
    if depth >= DEPTH {
        return Err("functions call each other too deeply (a function calling itself?)".into());
    }
    DEPTH_NOW.with(|d| d.set(depth + 1));
    let out = evaluate(&result, &ctx);
    DEPTH_NOW.with(|d| d.set(depth));
    out
}

/// The fixed entry points, one per table slot.
mod entry {
    use super::{call, FuncArgs, Value};
    fn t0(a: FuncArgs) -> Result<Value, String> {
        call(0, &a)
    }
    fn t1(a: FuncArgs) -> Result<Value, String> {
        call(1, &a)
    }
    fn t2(a: FuncArgs) -> Result<Value, String> {
        call(2, &a)
    }
    fn t3(a: FuncArgs) -> Result<Value, String> {
        call(3, &a)
    }
    fn t4(a: FuncArgs) -> Result<Value, String> {
        call(4, &a)
    }
    fn t5(a: FuncArgs) -> Result<Value, String> {
        call(5, &a)
    }
    fn t6(a: FuncArgs) -> Result<Value, String> {
        call(6, &a)
    }
    fn t7(a: FuncArgs) -> Result<Value, String> {
        call(7, &a)
    }
    fn t8(a: FuncArgs) -> Result<Value, String> {
        call(8, &a)
    }
    fn t9(a: FuncArgs) -> Result<Value, String> {
        call(9, &a)
    }
    fn t10(a: FuncArgs) -> Result<Value, String> {
        call(10, &a)
    }
    fn t11(a: FuncArgs) -> Result<Value, String> {
        call(11, &a)
    }
    fn t12(a: FuncArgs) -> Result<Value, String> {
        call(12, &a)
    }
    fn t13(a: FuncArgs) -> Result<Value, String> {
        call(13, &a)
    }
    fn t14(a: FuncArgs) -> Result<Value, String> {
        call(14, &a)
    }
    fn t15(a: FuncArgs) -> Result<Value, String> {
        call(15, &a)
    }
    fn t16(a: FuncArgs) -> Result<Value, String> {
        call(16, &a)
    }
    fn t17(a: FuncArgs) -> Result<Value, String> {
        call(17, &a)
    }
    fn t18(a: FuncArgs) -> Result<Value, String> {
        call(18, &a)
    }
    fn t19(a: FuncArgs) -> Result<Value, String> {
        call(19, &a)
    }
    fn t20(a: FuncArgs) -> Result<Value, String> {
        call(20, &a)
    }
    fn t21(a: FuncArgs) -> Result<Value, String> {
        call(21, &a)
    }
    fn t22(a: FuncArgs) -> Result<Value, String> {
        call(22, &a)
    }
    fn t23(a: FuncArgs) -> Result<Value, String> {
        call(23, &a)
    }
    fn t24(a: FuncArgs) -> Result<Value, String> {
        call(24, &a)
    }
    fn t25(a: FuncArgs) -> Result<Value, String> {
        call(25, &a)
    }
    fn t26(a: FuncArgs) -> Result<Value, String> {
        call(26, &a)
    }
    fn t27(a: FuncArgs) -> Result<Value, String> {
        call(27, &a)
    }
    fn t28(a: FuncArgs) -> Result<Value, String> {
        call(28, &a)
    }
    fn t29(a: FuncArgs) -> Result<Value, String> {
        call(29, &a)
    }
    fn t30(a: FuncArgs) -> Result<Value, String> {
        call(30, &a)
    }
    fn t31(a: FuncArgs) -> Result<Value, String> {
        call(31, &a)
    }
    fn t32(a: FuncArgs) -> Result<Value, String> {
        call(32, &a)
    }
    fn t33(a: FuncArgs) -> Result<Value, String> {
        call(33, &a)
    }
    fn t34(a: FuncArgs) -> Result<Value, String> {
        call(34, &a)
    }
    fn t35(a: FuncArgs) -> Result<Value, String> {
        call(35, &a)
    }
    fn t36(a: FuncArgs) -> Result<Value, String> {
        call(36, &a)
    }
    fn t37(a: FuncArgs) -> Result<Value, String> {
        call(37, &a)
    }
    fn t38(a: FuncArgs) -> Result<Value, String> {
        call(38, &a)
    }
    fn t39(a: FuncArgs) -> Result<Value, String> {
        call(39, &a)
    }
    fn t40(a: FuncArgs) -> Result<Value, String> {
        call(40, &a)
    }
    fn t41(a: FuncArgs) -> Result<Value, String> {
        call(41, &a)
    }
    fn t42(a: FuncArgs) -> Result<Value, String> {
        call(42, &a)
    }
    fn t43(a: FuncArgs) -> Result<Value, String> {
        call(43, &a)
    }
    fn t44(a: FuncArgs) -> Result<Value, String> {
        call(44, &a)
    }
    fn t45(a: FuncArgs) -> Result<Value, String> {
        call(45, &a)
    }
    fn t46(a: FuncArgs) -> Result<Value, String> {
        call(46, &a)
    }
    fn t47(a: FuncArgs) -> Result<Value, String> {
        call(47, &a)
    }
    pub(super) const ALL: [hcl::eval::Func; super::MAX] = [
        t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15, t16, t17, t18, t19,
        t20, t21, t22, t23, t24, t25, t26, t27, t28, t29, t30, t31, t32, t33, t34, t35, t36, t37,
        t38, t39, t40, t41, t42, t43, t44, t45, t46, t47,
    ];
}
use entry::ALL as ENTRY;

/// `e` evaluated in `ctx`, with `can` and `try` worked out first (on a copy: bake files are
/// small, and most expressions are a literal or a variable).
pub(super) fn evaluate(e: &Expression, ctx: &Context) -> Result<Value, String> {
    let mut e = e.clone();
    rewrite(&mut e, ctx);
    e.evaluate(ctx).map_err(|e| e.to_string())
}

fn is_special(f: &FuncCall) -> bool {
    f.name.namespace.is_empty() && matches!(f.name.name.as_str(), "can" | "try")
}

/// Replaces each `can(X)` in `e` by whether `X` evaluates in `ctx`, and each `try(A, …)` by the
/// value of the first argument that does (left as it is when none does: it then fails). Not
/// inside a template or a `for`, where they are left to fail as unknown functions: their
/// variables are bound only inside.
fn rewrite(e: &mut Expression, ctx: &Context) {
    if let Expression::FuncCall(f) = e {
        if is_special(f) && f.name.name.as_str() == "can" && f.args.len() == 1 {
            *e = Expression::Bool(evaluate(&f.args[0], ctx).is_ok());
            return;
        }
        if is_special(f) && f.name.name.as_str() == "try" {
            if let Some(v) = f.args.iter().find_map(|a| evaluate(a, ctx).ok()) {
                *e = Expression::from(v);
            }
            return;
        }
    }
    match e {
        Expression::Array(items) => items.iter_mut().for_each(|c| rewrite(c, ctx)),
        Expression::Object(m) => m.values_mut().for_each(|c| rewrite(c, ctx)),
        Expression::FuncCall(c) => c.args.iter_mut().for_each(|c| rewrite(c, ctx)),
        Expression::Parenthesis(p) => rewrite(p, ctx),
        Expression::Conditional(c) => {
            rewrite(&mut c.cond_expr, ctx);
            rewrite(&mut c.true_expr, ctx);
            rewrite(&mut c.false_expr, ctx);
        }
        Expression::Operation(op) => match op.as_mut() {
            Operation::Unary(u) => rewrite(&mut u.expr, ctx),
            Operation::Binary(b) => {
                rewrite(&mut b.lhs_expr, ctx);
                rewrite(&mut b.rhs_expr, ctx);
            }
        },
        Expression::Traversal(t) => {
            rewrite(&mut t.expr, ctx);
            for op in &mut t.operators {
                if let TraversalOperator::Index(i) = op {
                    rewrite(i, ctx);
                }
            }
        }
        _ => {}
    }
}
