// relations of several hops: a `many_to_many` declared on both sides, one
// between rows of one model, and `has_many` through paths, in every
// position a to-many relation takes.
use fanless::{query, Model};

#[derive(Model)]
#[model(has_many(departments = Department))]
#[model(has_many(employees = Employee, through = departments))]
#[model(has_many(teammates = Employee, through = departments, via = employees))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model)]
#[model(has_many(employees = Employee))]
struct Department {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store))]
    store_id: i64,
}

#[derive(Model)]
#[model(has_many(colleagues = Employee, through = department, via = employees))]
#[model(many_to_many(skills = Skill, through = EmployeeSkill))]
#[model(many_to_many(mentors = Employee, through = Mentorship, via = mentee, to = mentor))]
struct Employee {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Department))]
    department_id: i64,
    age: i64,
}

#[derive(Model)]
#[model(many_to_many(employees = Employee, through = EmployeeSkill))]
struct Skill {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model)]
struct EmployeeSkill {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Employee))]
    employee_id: i64,
    #[model(belongs_to(Skill))]
    skill_id: i64,
}

#[derive(Model)]
struct Mentorship {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(mentee = Employee))]
    mentee_id: i64,
    #[model(belongs_to(mentor = Employee))]
    mentor_id: i64,
}

fn main() {
    let _ = query!(
        from Store
        select id, count(employees) as staff, avg(teammates.age) as age,
               count(distinct employees.skills) as skills,
               exists(employees.mentors where age > 60) as elders
        where exists(employees.skills where name = "rust")
    );
    let _ = query!(from Employee select id, count(colleagues) as colleagues, max(mentors.age) as oldest);
    let _ = query!(
        from Skill s
        join s.employees e
        left join e.mentors m
        select s.name, count(distinct e.id) as employees, max(m.age) as oldest_mentor
        group by s.name
    );
}
