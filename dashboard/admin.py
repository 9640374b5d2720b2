from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organizations.models import Area
from xian_partybuild import clock

from .leadership.boundaries import read_geojson
from .leadership.models import BoundaryFile


class BoundaryFileForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "A FeatureCollection of Polygons or MultiPolygons, each naming its area by code, adcode or area_code."
        ),
    )

    class Meta:
        model = BoundaryFile
        fields = ("name", "source", "active")

    def _get_validation_exclusions(self):
        # "One active file" holds in the database; save() switches the old one
        # off first, so the form must not refuse a new active file for it.
        return {*super()._get_validation_exclusions(), "active"}

    def clean_upload(self):
        if not self.cleaned_data.get("upload"):
            return None  # an existing file edited without a new upload keeps its shapes
        codes = set(Area.objects.registration_areas().values_list("code", flat=True))
        try:
            self.shapes = read_geojson(self.cleaned_data["upload"].read(), codes)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return self.cleaned_data["upload"]

    def save(self, commit=True):
        boundary = super().save(commit=False)
        if hasattr(self, "shapes"):
            boundary.shapes = self.shapes
            boundary.feature_count = len(self.shapes)
            boundary.uploaded_at = clock.now()
        if boundary.active:
            # One file is drawn at a time: this one replaces the one drawn before.
            BoundaryFile.objects.filter(active=True).exclude(pk=boundary.pk).update(active=False)
        if commit:
            boundary.save()
        return boundary


@admin.register(BoundaryFile)
class BoundaryFileAdmin(admin.ModelAdmin):
    form = BoundaryFileForm
    list_display = ("name", "feature_count", "active", "uploaded_at")
    readonly_fields = ("feature_count", "uploaded_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            # A stored file is switched on or off or renamed; new boundaries come as a new upload.
            form.base_fields["upload"].required = False
        return form
