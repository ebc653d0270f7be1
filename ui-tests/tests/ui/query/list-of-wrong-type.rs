// A list is a `Vec`, a slice or an array; its elements have the type of
// the value they are tested against, and are never `NULL`.
use fanless_ui_tests::*;

fn main() {
    let names = vec!["main"];
    let _ = fanless::query!(from Store where id in {names});
    let maybe = vec![Some(1_i64)];
    let _ = fanless::query!(from Store where id in {&maybe});
    let _ = fanless::query!(from Store where id in {5_i64});
}
