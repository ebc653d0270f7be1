// a row holds at most eight collections.
fn main() {
    let _ = fanless::query!(
        from Store
        select products { id } as a, products { id } as b, products { id } as c,
               products { id } as d, products { id } as e, products { id } as f,
               products { id } as g, products { id } as h, products { id } as i
    );
}
