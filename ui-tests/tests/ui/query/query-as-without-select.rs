// `query_as!` needs a `select` list.
fn main() {
    let _ = fanless::query_as!(Store, from Store);
}
