from typing import Any

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.models import User
from accounts.types import AuthedHttpRequest

from . import revisions, services
from .admin_forms import (
    LessonAdminForm,
    ModuleChoiceField,
    course_short_name,
    modules_for_choice,
)
from .admin_revisions import RevisionAdminMixin
from .models import (
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    Module,
    PublicationEvent,
    Publishable,
    Reference,
    Revision,
)


class PublishingAdmin(admin.ModelAdmin):
    """Draft → published (or scheduled by a future publish time), with a record of who
    did it and when."""

    actions = ["publish_now", "return_to_draft"]
    readonly_fields = ["published_by", "updated_at"]

    @admin.display(description="state")
    def state(self, obj: Publishable) -> str:
        if obj.state_label == "Scheduled":
            return f"Scheduled for {timezone.localtime(obj.publish_at):%d %b %Y %H:%M}"
        return obj.state_label

    @admin.display(description="preview")
    def preview_link(self, obj: Publishable) -> str:
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
        if not url:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as a learner</a>', url
        )

    def save_model(
        self, request: HttpRequest, obj: Publishable, form: ModelForm, change: bool
    ) -> None:
        assert isinstance(request.user, User)  # the admin lets in only signed-in staff
        publishing = obj.status == obj.Status.PUBLISHED and (
            not change or {"status", "publish_at"} & set(form.changed_data)
        )
        withdrawing = change and obj.status == obj.Status.DRAFT and "status" in form.changed_data
        super().save_model(request, obj, form, change)
        if publishing:
            services.item_publish(item=obj, by=request.user, publish_at=obj.publish_at)
        elif withdrawing:
            services.item_unpublish(item=obj, by=request.user)

    @admin.action(description="Publish the selected items now")
    def publish_now(self, request: AuthedHttpRequest, queryset: QuerySet[Publishable]) -> None:
        for item in queryset:
            services.item_publish(item=item, by=request.user)
        messages.success(request, f"Published {queryset.count()} item(s).")

    @admin.action(description="Return the selected items to draft")
    def return_to_draft(self, request: AuthedHttpRequest, queryset: QuerySet[Publishable]) -> None:
        for item in queryset:
            services.item_unpublish(item=item, by=request.user)
        messages.success(request, f"Returned {queryset.count()} item(s) to draft.")


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["order", "title", "slug", "status", "publish_at"]
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(PublishingAdmin):
    list_display = ["title", "audience", "state", "order", "cpd_hours", "preview_link"]
    list_editable = ["order"]
    list_filter = ["audience", "status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ModuleInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "audience",
                    "summary",
                    "description_md",
                    "certificate_outcomes",
                    "cpd_hours",
                    "lead_name",
                    "lead_role",
                    "order",
                ]
            },
        ),
        ("Completion rules", {"fields": ["require_all_lessons", "require_quizzes_passed"]}),
        ("Publishing", {"fields": ["status", "publish_at", "published_by", "updated_at"]}),
    ]
    readonly_fields = [*PublishingAdmin.readonly_fields, "certificate_outcomes"]

    @admin.display(description="learning outcomes on certificates")
    def certificate_outcomes(self, obj: Course) -> str:
        """What a certificate issued now would list: the numbered list under 'Learning
        outcomes' in the description, as last saved."""
        if not obj.outcomes:
            return "None: add a '## Learning outcomes' heading and a numbered list."
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((o,) for o in obj.outcomes))
        )


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["order", "title", "slug", "is_free", "status", "publish_at"]
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(PublishingAdmin):
    list_display = ["title", "course", "order", "state"]
    list_editable = ["order"]
    list_filter = ["course", "status"]
    search_fields = ["title"]
    list_select_related = ["course"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]
    fieldsets = [
        (None, {"fields": ["course", "title", "slug", "intro_md", "order"]}),
        ("Publishing", {"fields": ["status", "publish_at", "published_by", "updated_at"]}),
    ]

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        # Lessons added inline belong to the module's course.
        for lesson_form in formset.forms:
            if isinstance(lesson_form.instance, Lesson):
                lesson_form.instance.course_id = form.instance.course_id
        super().save_formset(request, form, formset, change)


@admin.register(Lesson)
class LessonAdmin(RevisionAdminMixin, PublishingAdmin):
    """A live lesson's content is edited in a draft (course.admin_revisions); a lesson
    learners cannot see yet is edited directly."""

    form = LessonAdminForm

    class Media:
        css = {"all": ["css/admin.css"]}

    # Short columns, so that titles keep to a few lines beside the admin's two sidebars at
    # 1280 px; whether a lesson is a free preview is a filter.
    list_display = ["title", "module_label", "order", "state", "preview"]
    list_editable = ["order"]
    list_filter = ["course", "module", "status", "is_free"]
    list_select_related = ["module", "course"]
    search_fields = ["title", "summary", "body_md"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["module", "title", "slug", "summary", "is_free", "minutes", "order"]}),
        (
            "Content",
            {
                "fields": [
                    "body_md",
                    "objectives",
                    "key_points",
                    "sources",
                    "authors",
                    "reviewed_on",
                ],
                "description": "Markdown. Raw HTML is removed when the lesson is saved. Boxes "
                '(!!! warning "Title") and the diagrams loaded with the lesson '
                "([figure: name]) are described in course/content/FORMAT.md.",
            },
        ),
        (
            "Publishing",
            {
                "fields": ["status", "publish_at", "published_by", "updated_at"],
                "description": "A lesson learners can see keeps its status and publish "
                "time here: to take it away from them, select it in the list of lessons "
                "and choose “Return the selected items to draft”.",
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Lesson | None = None) -> Any:
        # Learners can see it: saving writes a draft of its content, and taking it away
        # from them is a step of its own (the list's "Return … to draft"), never a side
        # effect of saving the form.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and revisions.adapter_for(obj).is_live(obj):
            fields += ["status", "publish_at"]
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lesson]:
        # Whether each lesson has a draft (or a scheduled one), for the list, in the same
        # query as the lessons.
        open_revisions = Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(Lesson),
            object_id=OuterRef("pk"),
            status__in=[Revision.Status.DRAFT, Revision.Status.SCHEDULED],
        )
        return super().get_queryset(request).annotate(has_open_revision=Exists(open_revisions))

    @admin.display(description="state")
    def state(self, obj: Publishable) -> str:
        shown = super().state(obj)
        if obj.status == obj.Status.PUBLISHED:
            shown += f" · v{getattr(obj, 'version', 1)}"
        if getattr(obj, "has_open_revision", False):
            shown += " · draft open"
        return shown

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "module":
            kwargs.update(form_class=ModuleChoiceField, queryset=modules_for_choice())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="module", ordering="module__order")
    def module_label(self, lesson: Lesson) -> str:
        """Short: the course's short name and the module's number ("CPD 2"); the
        module's title is in the filter beside the list."""
        return f"{course_short_name(lesson.course)} {lesson.module.order}"

    @admin.display(description="preview")
    def preview(self, lesson: Lesson) -> str:
        """One short word in the column; the rest for screen readers."""
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview'
            '<span class="visually-hidden"> “{}” as a learner</span></a>',
            lesson.get_absolute_url(),
            lesson.title,
        )

    def save_model(
        self, request: HttpRequest, obj: Publishable, form: ModelForm, change: bool
    ) -> None:
        assert isinstance(obj, Lesson)  # this admin edits lessons
        obj.course_id = obj.module.course_id
        super().save_model(request, obj, form, change)


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "created_at"]
    list_filter = ["course"]
    list_select_related = ["user", "course"]
    search_fields = ["user__email"]
    date_hierarchy = "created_at"


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at", "engaged_seconds", "last_viewed_at"]
    list_filter = ["course"]
    list_select_related = ["user", "lesson"]
    search_fields = ["user__email"]


@admin.register(PublicationEvent)
class PublicationEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "title", "content_type", "publish_at", "by"]
    list_filter = ["action", "content_type"]
    list_select_related = ["by", "content_type"]
    readonly_fields = [f.name for f in PublicationEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: PublicationEvent | None = None
    ) -> bool:
        return False


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["key", "citation", "kind"]
    list_filter = ["kind"]
    search_fields = ["key", "citation", "note"]
