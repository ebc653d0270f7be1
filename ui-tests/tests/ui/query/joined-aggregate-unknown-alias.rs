// an aggregate over joined rows names a known alias.
fn main() {
    let _ = fanless::query!(
        from Store s
        select count(x.id) as n
    );
}
