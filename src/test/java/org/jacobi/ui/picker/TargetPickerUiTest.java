package org.jacobi.ui.picker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.jacobi.TestFiles;
import org.jacobi.ui.DemoAssets;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The picker headless (Monocle): a click and a drag on a mask, a click on a bar, a typed slice. */
@ExtendWith(ApplicationExtension.class)
class TargetPickerUiTest {
    private MainViewModel vm;
    private TargetPickerModel picker;

    @Start
    void start(Stage stage) {
        vm = new MainViewModel(new SameThreadTaskExecutor());
        picker = new TargetPickerModel(vm.state());
        stage.setScene(new Scene(new TargetPickerView(picker), 700, 700));
        stage.show();
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.waitForAsyncFx(10_000, () -> vm.dispose());
    }

    @Test
    void aClickPicksAPixelADragABoxAndTheFieldASlice(FxRobot robot) {
        robot.interact(() -> vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"),
            TestFiles.resource("images/cat.png"))));
        ImageView image = robot.lookup("#targetOutputImage").queryAs(ImageView.class);
        Bounds b = image.localToScreen(image.getLayoutBounds());
        double px = b.getWidth() / 80; // the mask is 80 wide and 60 high
        robot.clickOn(b.getMinX() + 20.5 * px, b.getMinY() + 10.5 * px, MouseButton.PRIMARY);
        assertEquals("mask[0,10,20]", picker.textProperty().get());

        robot.drag(b.getMinX() + 30.5 * px, b.getMinY() + 5.5 * px, MouseButton.PRIMARY)
            .moveTo(b.getMinX() + 39.5 * px, b.getMinY() + 14.5 * px).release(MouseButton.PRIMARY);
        assertEquals("mask[0,5:15,30:40]", picker.textProperty().get());
        String words = robot.lookup("#targetWords").queryAs(Label.class).getText();
        assertTrue(words.contains("mask[0,5:15,30:40] summed: 100 elements"), words);

        TextField field = robot.lookup("#targetField").queryAs(TextField.class);
        robot.interact(() -> field.setText(""));
        assertEquals("largest element; or mask[0,3,3], mask[0,0:10,0:10], top, a class name", field.getPromptText(),
            "examples in the output's own name and rank");
        robot.clickOn(field).write("0,0:2,0:3").type(KeyCode.ENTER);
        assertEquals("mask[0,0:2,0:3]", picker.textProperty().get());
    }

    @Test
    void aClickOnABarPicksThatClass(FxRobot robot) {
        robot.interact(() -> vm.openDemo(DemoAssets.Demo.DIGITS));
        @SuppressWarnings("unchecked")
        ListView<TargetPickerModel.Bar> bars = robot.lookup("#targetBars").queryAs(ListView.class);
        assertEquals(10, bars.getItems().size());
        assertEquals("largest element; or logits[3], logits[0:10], top, a class name",
            robot.lookup("#targetField").queryAs(TextField.class).getPromptText());
        TargetPickerModel.Bar second = bars.getItems().get(1);
        robot.clickOn(robot.lookup(n -> n instanceof ListCell<?> c && c.getItem() == second).queryAs(ListCell.class));
        assertEquals("logits[" + second.element() + "]", picker.textProperty().get());
        assertEquals(second.element(), picker.chosenProperty().get().element());
    }
}
