// a `belongs_to` field whose name before `_id` is no identifier (`self`)
// names its relation explicitly.
#[derive(fanless::Model)]
struct Node {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Node))]
    self_id: Option<i64>,
}

fn main() {}
