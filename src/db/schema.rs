//! Table definitions, written by hand for both backends (the migrations are their source).

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        given_name -> Text,
        family_name -> Text,
        is_admin -> Bool,
        created_at -> Timestamp,
        oidc_sub -> Nullable<Text>,
        access_generation -> BigInt,
        reads_version -> BigInt,
        last_sign_in_at -> Nullable<Timestamp>,
        lapse_warned_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        reactivated_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
        banned_at -> Nullable<Timestamp>,
        ban_reason -> Nullable<Text>,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        siret -> Text,
        name -> Text,
        naf -> Nullable<Text>,
        created_at -> Timestamp,
        address -> Nullable<Text>,
        active -> Nullable<Bool>,
        looked_up_at -> Nullable<Timestamp>,
        lookup_error -> Nullable<Text>,
        legal_form -> Nullable<Text>,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        user_id -> BigInt,
        organisation_id -> BigInt,
        verified -> Bool,
        created_at -> Timestamp,
        lapsed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_seen_at -> Nullable<Timestamp>,
        viewing_as -> Nullable<BigInt>,
        viewing_reason -> Nullable<Text>,
        viewing_started_at -> Nullable<Timestamp>,
        viewing_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    roles (id) {
        id -> BigInt,
        user_id -> BigInt,
        provider -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    demandes (id) {
        id -> BigInt,
        provider -> Text,
        template -> Nullable<Text>,
        organisation_id -> BigInt,
        applicant_id -> BigInt,
        state -> Text,
        answers -> Text,
        scopes -> Text,
        intitule -> Text,
        organisation_name -> Text,
        siret -> Text,
        applicant_email -> Text,
        lock_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_submitted_at -> Nullable<Timestamp>,
        reopening -> Bool,
        stage -> Nullable<Text>,
        previous_id -> Nullable<BigInt>,
        assigned_to -> Nullable<BigInt>,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        demande_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        name -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        reason -> Nullable<Text>,
        diff -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    habilitations (id) {
        id -> BigInt,
        demande_id -> BigInt,
        provider -> Text,
        organisation_id -> BigInt,
        scopes -> Text,
        answers -> Text,
        state -> Text,
        granted_at -> Timestamp,
        expires_at -> Timestamp,
        token_id -> Nullable<Text>,
        rights -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        provider -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        scopes -> Text,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        outbox_id -> BigInt,
        demande_id -> Nullable<BigInt>,
        attempted_at -> Timestamp,
        status -> Nullable<Integer>,
        duration_ms -> BigInt,
        response -> Nullable<Text>,
    }
}

diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> organisations (organisation_id));
diesel::joinable!(roles -> users (user_id));
diesel::joinable!(events -> demandes (demande_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(events -> users (actor_id));
diesel::joinable!(habilitations -> demandes (demande_id));

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor -> Text,
        action -> Text,
        resource -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        created_at -> Timestamp,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        demande_id -> BigInt,
        author_id -> BigInt,
        from_instructor -> Bool,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    holder_notices (id) {
        id -> BigInt,
        provider -> Text,
        subject -> Text,
        body -> Text,
        sent_by -> BigInt,
        sent_at -> Timestamp,
        recipients -> BigInt,
        token -> Text,
    }
}

diesel::table! {
    message_templates (id) {
        id -> BigInt,
        provider -> Text,
        kind -> Text,
        title -> Text,
        body -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    prepared_drafts (id) {
        id -> BigInt,
        demande_id -> BigInt,
        prepared_by -> BigInt,
        invited_email -> Text,
        note -> Text,
        created_at -> Timestamp,
        claimed_by -> Nullable<BigInt>,
        claimed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    opinions (id) {
        id -> BigInt,
        demande_id -> BigInt,
        asked_by -> BigInt,
        asked_to -> BigInt,
        question -> Text,
        asked_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    message_reads (user_id, demande_id) {
        user_id -> BigInt,
        demande_id -> BigInt,
        last_read_id -> BigInt,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        demande_id -> BigInt,
        field -> Text,
        name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        added_by -> Nullable<BigInt>,
        added_by_name -> Text,
        added_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_reads (id) {
        id -> BigInt,
        token_id -> BigInt,
        provider -> Text,
        route -> Text,
        returned -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(api_reads -> api_tokens (token_id));
diesel::joinable!(attachments -> demandes (demande_id));
diesel::joinable!(messages -> demandes (demande_id));
diesel::joinable!(outbox -> demandes (demande_id));
diesel::joinable!(messages -> users (author_id));

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        topic -> Text,
        demande_id -> Nullable<BigInt>,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        unsubscribe_url -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        secret_env -> Nullable<Text>,
    }
}

diesel::table! {
    notification_prefs (user_id, provider, kind) {
        user_id -> BigInt,
        provider -> Text,
        kind -> Text,
        enabled -> Bool,
    }
}

diesel::table! {
    weekly_digests (user_id, provider, week) {
        user_id -> BigInt,
        provider -> Text,
        week -> Text,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    demande_counts (provider, state) {
        provider -> Text,
        state -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    team_members (id) {
        id -> BigInt,
        team_id -> BigInt,
        user_id -> BigInt,
        is_admin -> Bool,
        added_at -> Timestamp,
    }
}

diesel::table! {
    habilitation_shares (id) {
        id -> BigInt,
        habilitation_id -> BigInt,
        team_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(team_members -> teams (team_id));
diesel::joinable!(team_members -> users (user_id));
diesel::joinable!(teams -> organisations (organisation_id));

diesel::table! {
    access_reviews (id) {
        id -> BigInt,
        started_at -> Timestamp,
        deadline -> Timestamp,
        started_by -> Text,
        reminded_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    access_review_items (id) {
        id -> BigInt,
        review_id -> BigInt,
        user_id -> BigInt,
        provider -> Text,
        role -> Text,
        decision -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(access_review_items -> access_reviews (review_id));
diesel::joinable!(access_review_items -> users (user_id));

diesel::table! {
    rate_counts (scope, key, minute) {
        scope -> Text,
        key -> Text,
        minute -> BigInt,
        count -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    access_reviews,
    access_review_items,
    users,
    organisations,
    memberships,
    roles,
    demandes,
    events,
    habilitations,
    audit_log,
    messages,
    message_reads,
    holder_notices,
    message_templates,
    opinions,
    prepared_drafts,
    outbox,
    notification_prefs,
    webhook_attempts,
    api_tokens,
    sessions,
    weekly_digests,
    demande_counts,
    attachments,
    api_reads,
    teams,
    team_members,
    habilitation_shares
);
