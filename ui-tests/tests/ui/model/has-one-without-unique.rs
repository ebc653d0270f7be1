// a `has_one` goes through a `belongs_to` declared `unique`.
#[derive(fanless::Model)]
#[model(has_one(profile = Profile))]
struct Author {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Profile {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Author))]
    author_id: i64,
}

fn main() {}
