// float literals are finite `f64`s.
fn main() {
    let _ = fanless::query!(from Product where price = 1e999);
}
