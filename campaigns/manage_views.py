from django.shortcuts import render

from accounts.decorators import manager_required

from .models import Campaign


@manager_required
def manage_index(request):
    campaigns = Campaign.objects.managed_by(request.user).prefetch_related("managers")
    return render(request, "campaigns/manage/index.html", {"campaigns": campaigns})
