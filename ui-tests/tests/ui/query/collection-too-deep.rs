// collections nest at most 8 levels deep; the ninth is an error on its path.
fn main() {
    let _ = fanless::query!(
        from Store
        select id, departments { id, employees { id, reports { id, reports { id, reports { id,
            reports { id, reports { id, reports { id, reports { id } as r8 } as r7 } as r6 }
            as r5 } as r4 } as r3 } as r2 } as staff } as departments
    );
}
