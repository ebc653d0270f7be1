// two literals that meet have one type: a boolean is no number.
fn main() {
    let _ = fanless::query!(from Store where 1 = true);
}
