import Contracts
import OrdersCore
import WorkerRuntime

await Worker.run(queue: .checkout) { resources in
    let postgres = try resources.postgres()
    let config = resources.config
    let limits = OrderSweep.Limits(
        redriveAfter: .seconds(try config.integer("sweeper.redriveAfterSeconds", default: 60, in: 1...86_400)),
        expireAfter: .seconds(try config.integer("sweeper.expireAfterSeconds", default: 1800, in: 1...604_800)),
        reservationTimeout: .seconds(try config.integer("sweeper.reservationTimeoutSeconds", default: 600, in: 1...604_800))
    )
    let sweeper = CheckoutSweeper(sweep: OrderSweep(client: postgres, limits: limits, logger: resources.logger), publisher: resources.publisher)
    resources.addService(
        PeriodicService(
            name: "sweeper",
            interval: .seconds(try config.integer("sweeper.intervalSeconds", default: 30, in: 1...3600)),
            logger: resources.logger,
            work: sweeper.run
        )
    )
    return CheckoutHandler(
        orders: OrderRepository(client: postgres, logger: resources.logger),
        payments: PaymentRepository(client: postgres, logger: resources.logger),
        provider: AlwaysApprovingPaymentProvider()
    )
}
