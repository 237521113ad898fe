//! The router, built from the route table in core (`registry_core::routes::ROUTES`): every
//! operation's handler here, one match the compiler checks is complete; every route carries
//! its table row, which the access guard reads.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, delete, get, post, put};
use registry_core::routes::{Method, Op, ROUTES, Route};

use super::{
    AppState, admin, associations, compatibility, console, contexts, dek_registry, events, misc,
    schemas,
};
use super::{llm, search, settings, tags};
use super::{subjects, validate};

/// The handler of `op`, on its method.
fn handler(route: &Route) -> MethodRouter<AppState> {
    #[allow(clippy::enum_glob_use)] // one arm per operation, named as in the table
    use Op::*;
    match route.op {
        Root | RootPost => on(route, misc::root),
        ServerVersion => on(route, misc::server_version),
        ClusterId => on(route, misc::cluster_id),
        Deployment => on(route, misc::deployment),
        Contexts => on(route, contexts::list),
        DeleteContext => on(route, contexts::delete),
        Health => on(route, misc::health),
        Ready => on(route, misc::ready),
        Metrics => on(route, misc::metrics),
        OpenApi => on(route, super::openapi::serve),
        ListSubjects => on(route, subjects::list),
        LookupSchema => on(route, subjects::lookup),
        DeleteSubject => on(route, subjects::delete_subject),
        ListVersions => on(route, subjects::versions),
        Register => on(route, subjects::register),
        GetVersion => on(route, subjects::get_version),
        DeleteVersion => on(route, subjects::delete_version),
        GetVersionSchema => on(route, subjects::version_schema),
        ReferencedBy => on(route, subjects::referenced_by),
        ModifyTags => on(route, tags::modify),
        ValidateVersion => on(route, validate::by_version),
        VersionByMetadata => on(route, subjects::by_metadata),
        ListSchemas => on(route, schemas::list),
        SchemaTypes => on(route, schemas::types),
        SchemaById => on(route, schemas::by_id),
        SchemaTextById => on(route, schemas::text_by_id),
        ValidatorById => on(route, schemas::validator_by_id),
        VersionValidator => on(route, subjects::version_validator),
        SchemaByGuid => on(route, schemas::by_guid),
        IdsByGuid => on(route, schemas::ids_by_guid),
        AssociationsBySubject => on(route, associations::by_subject),
        AssociationsByResourceName => on(route, associations::by_resource_name),
        AssociationsByResourceId => on(route, associations::by_resource_id),
        CreateAssociation => on(route, associations::create),
        UpdateAssociation => on(route, associations::update),
        CreateAssociations => on(route, associations::batch_create),
        UpdateAssociations => on(route, associations::batch_update),
        DeleteAssociations => on(route, associations::delete),
        ListKeks => on(route, dek_registry::list_keks),
        CreateKek => on(route, dek_registry::create_kek),
        GetKek => on(route, dek_registry::get_kek),
        UpdateKek => on(route, dek_registry::update_kek),
        DeleteKek => on(route, dek_registry::delete_kek),
        UndeleteKek => on(route, dek_registry::undelete_kek),
        ListDekSubjects => on(route, dek_registry::list_dek_subjects),
        CreateDek => on(route, dek_registry::create_dek),
        CreateDekForSubject => on(route, dek_registry::create_dek_for_subject),
        GetDek | GetDekVersion => on(route, dek_registry::get_dek),
        DeleteDeks | DeleteDekVersion => on(route, dek_registry::delete_deks),
        UndeleteDeks | UndeleteDekVersion => on(route, dek_registry::undelete_deks),
        ListDekVersions => on(route, dek_registry::list_dek_versions),
        SubjectDeks => on(route, dek_registry::subject_deks),
        SubjectsOfSchema => on(route, schemas::subjects_of),
        VersionsOfSchema => on(route, schemas::versions_of),
        ValidateById => on(route, validate::by_id),
        LlmExport => on(route, llm::export),
        LlmLint => on(route, llm::lint),
        LlmProfiles => on(route, llm::profiles),
        CheckCompatibility => on(route, compatibility::against_all),
        CheckCompatibilityWithVersion => on(route, compatibility::against_version),
        GetConfig => on(route, settings::get_global_config),
        SetConfig => on(route, settings::put_global_config),
        DeleteConfig => on(route, settings::delete_global_config),
        GetSubjectConfig => on(route, settings::get_subject_config),
        SetSubjectConfig => on(route, settings::put_subject_config),
        DeleteSubjectConfig => on(route, settings::delete_subject_config),
        GetMode => on(route, settings::get_global_mode),
        SetMode => on(route, settings::put_global_mode),
        DeleteMode => on(route, settings::delete_global_mode),
        GetSubjectMode => on(route, settings::get_subject_mode),
        SetSubjectMode => on(route, settings::put_subject_mode),
        DeleteSubjectMode => on(route, settings::delete_subject_mode),
        ListEdges => on(route, admin::list_edges),
        AddEdge => on(route, admin::add_edge),
        RemoveEdge => on(route, admin::remove_edge),
        ListKeys => on(route, admin::list_keys),
        CreateKey => on(route, admin::create_key),
        RevokeKey => on(route, admin::revoke_key),
        Search => on(route, search::search),
        Events => on(route, events::page),
        ExportEvents => on(route, events::export),
        ConsoleRedirect => on(route, console::redirect),
        ConsolePage => on(route, console::page),
        ConsoleFile => on(route, console::asset),
    }
}

/// `handler` on the route's method.
fn on<H, T>(route: &Route, handler: H) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    match route.method {
        Method::Get => get(handler),
        Method::Post => post(handler),
        Method::Put => put(handler),
        Method::Delete => delete(handler),
    }
}

/// The routes of the table that `keep` keeps, each wrapped by `each` (which gets the row).
pub fn router(
    keep: impl Fn(&Route) -> bool,
    each: impl Fn(&'static Route, MethodRouter<AppState>) -> MethodRouter<AppState>,
) -> Router<AppState> {
    ROUTES
        .iter()
        .filter(|r| keep(r))
        .fold(Router::new(), |router, route| {
            router.route(route.path, each(route, handler(route)))
        })
}

/// The probes: whether the process is up and whether its database answers.
pub fn is_probe(route: &Route) -> bool {
    matches!(route.op, Op::Health | Op::Ready)
}
