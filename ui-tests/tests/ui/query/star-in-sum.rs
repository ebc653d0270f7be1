// `*` is every row, which only `count` reads.
fn main() {
    let _ = fanless::query!(from Product select sum(*) as n);
}
