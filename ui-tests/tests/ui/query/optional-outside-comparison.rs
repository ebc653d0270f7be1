// `{?x}` is dropped with the comparison it stands in; selected, or in an
// `in (...)` list, there is nothing to drop.
fn main() {
    let name: Option<&str> = None;
    let _ = fanless::query!(from Store select id where id in (1, {?Some(2_i64)}));
    let _ = fanless::query!(from Store select id order by {?name});
}
