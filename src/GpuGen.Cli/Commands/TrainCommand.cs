using System.CommandLine;
using GpuGen.Models;
using GpuGen.Training;

namespace GpuGen.Cli.Commands;

/// <summary>
/// `gpugen train RECIPE`: one sub-command per <see cref="TrainingRecipe"/> of the families in
/// <see cref="ModelFamilies"/>, each with the flags its recipe declares. The recipe turns them into a
/// model; <see cref="TrainRunner"/> runs it under the training driver, in the live window with --view.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var recipes = ModelFamilies.Recipes.ToArray();
        var train = new Command("train", $"train a model (families: {string.Join(", ", recipes.Select(x => x.Command))})");
        foreach (var recipe in recipes) train.Add(Create(recipe));
        return train;
    }

    private static Command Create(TrainingRecipe recipe)
    {
        var o = new TrainOptions(recipe);
        var command = new Command(recipe.Command, recipe.Description);
        foreach (var option in o.All()) command.Add(option);
        command.SetAction(r => Run(r, recipe, o));
        return command;
    }

    private static int Run(ParseResult r, TrainingRecipe recipe, TrainOptions o)
    {
        bool view = o.View is not null && r.GetValue(o.View);
        if (!view && o.ViewScreenshot is not null && r.GetValue(o.ViewScreenshot) is not null) throw new CliError("--view-screenshot needs --view");
        var open = recipe.Prepare(o.Arguments(r));
        if (!view) return TrainRunner.Run(r, o, recipe.Command, open);
        return TrainView.Run(r, o, recipe.Command, monitor => TrainRunner.Run(r, o, recipe.Command, open, run => TrainView.Watch(monitor, run, r.GetValue(o.ViewEvery!), r.GetValue(o.Seed))));
    }
}
