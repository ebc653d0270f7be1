// `not` after a value comes before `in` or `like`.
fn main() {
    let _ = fanless::query!(from Store where id not = 1);
}
