using BotBottle.Web.Agents;
using BotBottle.Web.Api;
using BotBottle.Web.Components;
using BotBottle.Web.Auth;
using BotBottle.Web.Jobs;
using BotBottle.Web.LocalModels;
using BotBottle.Web.Transcripts;
using BotBottle.Web.Webhooks;
using BotBottle.Queue.Events;
using BotBottle.Queue.Jobs;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

// Package assets (MudBlazor, blazor.web.js) come from the build's static web assets manifest in
// every environment a developer or test runs from a build; published apps carry them and ignore this.
builder.WebHost.UseStaticWebAssets();

builder.AddServiceDefaults();
builder.AddRedisClient("redis");
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<JobQueueClient>();
builder.Services.AddSingleton<EventLog>();
builder.Services.AddSingleton<BotBottle.Queue.Runs.RunHistory>();
builder.Services.AddSingleton<JobSubmitter>();
builder.Services.AddSingleton<JobProgress>();
builder.Services.AddBotBottleAuth(builder.Configuration);
builder.Services.AddOpenApi();
// The same JSON on every wire (API, queue, events): enums as lowercase words.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(
    new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower)));
builder.Services.AddGiteaWebhooks(builder.Configuration);
builder.Services.AddLocalModels(builder.Configuration);
builder.Services.AddTranscriptDownloads(builder.Configuration);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSingleton<BottleList>();
builder.Services.AddSingleton<BottleFeed>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<BottleFeed>());
builder.Services.AddHostedService<BottlesHubRelay>();

var app = builder.Build();

app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapBottlesApi();
app.MapTranscriptDownloads();
app.MapGiteaWebhook();
app.MapSignIn();
app.MapStaticAssets().AllowAnonymous();
app.MapHub<BottlesHub>(BottlesHub.Path);
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.WarnIfWebhooksAreUnconfigured();

app.Run();
