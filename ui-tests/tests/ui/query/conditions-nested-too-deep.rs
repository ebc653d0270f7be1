// conditions nest at most 32 levels deep (parentheses, `not`, aggregates'
// `where`), so that the expansion never overflows rustc's stack.
fn main() {
    let _ = fanless::query!(from Store where not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not not id = 1);
}
