//! Creating an organisation: the creator becomes its owner.

use crate::api::tenants::CreateTenant;
use crate::components::form::{field_error, general_error, Field, Notice};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewTenantPage() -> impl IntoView {
    let create = ServerAction::<CreateTenant>::new();
    let value = create.value();
    let user = crate::components::current_user::use_current_user();
    // Open the new organisation as soon as it exists, with the shell's user reloaded so the
    // sidebar and the switcher know the new membership and its role.
    Effect::new(move |_| {
        if let Some(Ok(tenant)) = value.get() {
            user.refetch();
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/t/{}", tenant.slug), Default::default());
        }
    });
    view! {
        <Title text="New organisation"/>
        <section class="page">
            <header class="page-header">
                <h1>"Create an organisation"</h1>
                <p class="lede">"You will be its owner and can invite others."</p>
            </header>
            <article class="card form-card">
                {move || general_error(value).get().map(|e| view! { <Notice kind="error">{e}</Notice> })}
                <ActionForm action=create attr:class="stack">
                    <Field label="Name" name="name" required=true maxlength=100 error=field_error(value, "name")/>
                    <Field
                        label="Address"
                        name="slug"
                        required=true
                        minlength=3
                        maxlength=40
                        pattern="[a-z0-9][a-z0-9\\-]*[a-z0-9]"
                        hint="Lower-case letters, digits and hyphens; used in links like /t/acme."
                        error=field_error(value, "slug")
                    />
                    <button class="button" type="submit" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { "Creating…" } else { "Create organisation" }}
                    </button>
                </ActionForm>
            </article>
        </section>
    }
    .into_any()
}
