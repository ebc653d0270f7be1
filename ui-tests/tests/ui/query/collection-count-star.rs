// `count(*)` in a collection would count the rows of every parent.
fn main() {
    let _ = fanless::query!(from Store select products { count(*) as n } as products);
}
