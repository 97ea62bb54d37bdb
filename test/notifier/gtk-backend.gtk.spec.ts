// The gtk backend, under Xvfb (files named *.gtk.spec.ts run under xvfb-run).
import Gtk from 'gi://Gtk?version=4.0';
import { main } from '../../src/notifier/loop.js';
import { defer } from '../../src/notifier/scheduler.js';

describe('the gtk backend', () => {
    it('initializes GTK synchronously and its widgets live in the kaa loop', () => {
        main.init('gtk');
        expect(main.isInitialized()).toBeTrue();
        const win = new Gtk.Window({ title: 'kaa spec' });
        let mapped = false;
        win.connect('map', () => {
            mapped = true;
        });
        win.present();
        main.loop(() => !mapped, 5);
        expect(mapped).toBeTrue();
        let closed = false;
        win.connect('unmap', () => {
            closed = true;
        });
        defer(() => win.destroy());
        main.loop(() => !closed, 5);
        expect(closed).toBeTrue();
    });
});
